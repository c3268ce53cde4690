namespace CheckpointModels;

/// <summary>Sizes shared with <c>examples/checkpoints/generate.py</c>, which wrote the token stream and the checkpoints.</summary>
public static class TokenLanguage
{
    /// <summary>Number of distinct token ids (0 … 31).</summary>
    public const int Vocabulary = 32;

    /// <summary>Context length of <see cref="TinyTransformer"/>: its input is <c>[N, 16]</c>.</summary>
    public const int TransformerContext = 16;

    /// <summary>Context length of <see cref="TokenMlp"/>: its input is <c>[N, 8]</c>.</summary>
    public const int MlpContext = 8;
}
