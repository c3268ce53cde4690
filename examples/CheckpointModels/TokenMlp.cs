using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace CheckpointModels;

/// <summary>
/// The TorchSharp twin of <c>TokenMlp</c> in <c>examples/checkpoints/generate.py</c>: token ids <c>[N, 8]</c> →
/// Embedding(32, 8) → flatten <c>[N, 64]</c> → Linear(64, 64) → tanh → Linear(64, 32) → next-token logits
/// <c>[N, 32]</c>. State-dict keys and shapes are the Python ones (<c>load_py</c> with <c>strict: true</c>).
/// </summary>
public sealed class TokenMlp : nn.Module<Tensor, Tensor>
{
    private const int EmbeddingWidth = 8;
    private const int Hidden = 64;

    [ComponentName(Name = "embedding")]
    private readonly Embedding _embedding;

    [ComponentName(Name = "fc1")]
    private readonly Linear _fc1;

    [ComponentName(Name = "fc2")]
    private readonly Linear _fc2;

    /// <summary>Creates the model with PyTorch's default initialisation from the global generator.</summary>
    public TokenMlp()
        : base(nameof(TokenMlp))
    {
        _embedding = nn.Embedding(TokenLanguage.Vocabulary, EmbeddingWidth);
        _fc1 = nn.Linear(TokenLanguage.MlpContext * EmbeddingWidth, Hidden);
        _fc2 = nn.Linear(Hidden, TokenLanguage.Vocabulary);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        return _fc2.call(tanh(_fc1.call(_embedding.call(tokens).flatten(1)))).MoveToOuterDisposeScope();
    }
}
