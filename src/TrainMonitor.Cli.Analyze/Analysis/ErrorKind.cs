using TrainMonitor.Errors;

namespace TrainMonitor.Cli.Analysis;

/// <summary>The <c>--error</c> values of analyze and the error function each stands for.</summary>
internal static class ErrorKind
{
    /// <summary>Per-token surprisal of a sequence model: logits [N, T, V] against the next tokens [N, T].</summary>
    public const string TokenSurprisal = "token-surprisal";

    /// <summary>Per-example surprisal of a classifier: logits [N, C] against one class (or next token) per example.</summary>
    public const string Surprisal = "surprisal";

    /// <summary>Squared error: output − target, flattened.</summary>
    public const string Squared = "squared";

    /// <summary>Every value, as the option accepts them.</summary>
    public static readonly string[] All = [TokenSurprisal, Surprisal, Squared];

    /// <summary>The error function of <paramref name="kind"/>.</summary>
    public static ErrorFunction Function(string kind) => kind switch
    {
        TokenSurprisal => ErrorFunctions.CrossEntropyPerToken,
        Surprisal => ErrorFunctions.CrossEntropy,
        Squared => ErrorFunctions.SquaredError,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an error kind."),
    };
}
