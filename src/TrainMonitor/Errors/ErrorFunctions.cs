using TorchSharp;
using static TorchSharp.torch;

namespace TrainMonitor.Errors;

/// <summary>The built-in error functions (docs/engine.md, "Errors").</summary>
public static class ErrorFunctions
{
    /// <summary>
    /// Cross-entropy per example: logits <c>[N, C]</c>, integer class targets <c>[N]</c>,
    /// <c>e_i = −log softmax(logits_i)[y_i]</c> (the surprisal of the correct class). n = N.
    /// </summary>
    public static ErrorFunction CrossEntropy { get; } = new("cross_entropy", ComputeCrossEntropy, ValidateCrossEntropy, isSurprisal: true);

    /// <summary>
    /// Cross-entropy per token for sequence models: logits <c>[N, T, C]</c>, integer targets <c>[N, T]</c>,
    /// one surprisal per token, flattened example-major (entry <c>i·T + t</c>). n = N·T.
    /// </summary>
    public static ErrorFunction CrossEntropyPerToken { get; } = new("cross_entropy_per_token", ComputeCrossEntropyPerToken, ValidateCrossEntropyPerToken, isSurprisal: true);

    /// <summary>
    /// Squared error: <c>e = output − target</c> flattened over all outputs (row-major). Shapes and dtypes of
    /// output and target must match. n = number of output elements.
    /// </summary>
    public static ErrorFunction SquaredError { get; } = new("squared_error", ComputeSquaredError, ValidateSquaredError);

    /// <summary>A user-supplied error function; its result is validated like the built-in ones.</summary>
    /// <param name="name">Name used in messages and metrics.</param>
    /// <param name="compute">Returns the 1-D error vector, connected to the parameters through the output.</param>
    public static ErrorFunction Custom(string name, Func<Tensor, Tensor, Tensor> compute) => new(name, compute);

    private static Tensor ComputeCrossEntropy(Tensor logits, Tensor target)
    {
        using var scope = NewDisposeScope();
        var logProbabilities = logits.log_softmax(1);
        var picked = logProbabilities.gather(1, target.to_type(ScalarType.Int64).unsqueeze(1)).squeeze(1);
        return picked.neg().MoveToOuterDisposeScope();
    }

    private static Tensor ComputeCrossEntropyPerToken(Tensor logits, Tensor target)
    {
        using var scope = NewDisposeScope();
        var logProbabilities = logits.log_softmax(2);
        var picked = logProbabilities.gather(2, target.to_type(ScalarType.Int64).unsqueeze(2)).squeeze(2);
        return picked.neg().reshape(-1).MoveToOuterDisposeScope();
    }

    private static Tensor ComputeSquaredError(Tensor output, Tensor target)
    {
        using var scope = NewDisposeScope();
        return (output - target).reshape(-1).MoveToOuterDisposeScope();
    }

    private static void ValidateCrossEntropy(ErrorFunction function, Tensor logits, Tensor target)
    {
        if (logits.dim() != 2)
        {
            throw new ArgumentException(
                $"Error function '{function.Name}' expects logits of shape [N, C]; got {TensorDescription.Describe(logits)}. " +
                $"For sequence models use {nameof(CrossEntropyPerToken)}.", nameof(logits));
        }

        if (target.dim() != 1 || target.shape[0] != logits.shape[0])
        {
            throw new ArgumentException(
                $"Error function '{function.Name}' expects targets of shape [{logits.shape[0]}] (one class index per row of logits {TensorDescription.Shape(logits)}); got {TensorDescription.Describe(target)}.",
                nameof(target));
        }

        ValidateClassIndices(function, target, logits.shape[1]);
    }

    private static void ValidateCrossEntropyPerToken(ErrorFunction function, Tensor logits, Tensor target)
    {
        if (logits.dim() != 3)
        {
            throw new ArgumentException(
                $"Error function '{function.Name}' expects logits of shape [N, T, C]; got {TensorDescription.Describe(logits)}.", nameof(logits));
        }

        if (target.dim() != 2 || target.shape[0] != logits.shape[0] || target.shape[1] != logits.shape[1])
        {
            throw new ArgumentException(
                $"Error function '{function.Name}' expects targets of shape [{logits.shape[0]}, {logits.shape[1]}] (one class index per token of logits {TensorDescription.Shape(logits)}); got {TensorDescription.Describe(target)}.",
                nameof(target));
        }

        ValidateClassIndices(function, target, logits.shape[2]);
    }

    private static void ValidateClassIndices(ErrorFunction function, Tensor target, long classes)
    {
        if (!is_integral(target.dtype) || target.dtype == ScalarType.Bool)
        {
            throw new ArgumentException(
                $"Error function '{function.Name}' expects integer class-index targets; got {TensorDescription.Describe(target)}.", nameof(target));
        }

        if (target.numel() == 0)
        {
            return;
        }

        using var scope = NewDisposeScope();
        var min = target.min().to_type(ScalarType.Int64).item<long>();
        var max = target.max().to_type(ScalarType.Int64).item<long>();
        if (min < 0 || max >= classes)
        {
            throw new ArgumentException(
                $"Error function '{function.Name}': class indices must lie in [0, {classes}); the targets range over [{min}, {max}].", nameof(target));
        }
    }

    private static void ValidateSquaredError(ErrorFunction function, Tensor output, Tensor target)
    {
        if (!output.shape.SequenceEqual(target.shape))
        {
            throw new ArgumentException(
                $"Error function '{function.Name}' needs output and target of one shape; output is {TensorDescription.Describe(output)}, target is {TensorDescription.Describe(target)}.",
                nameof(target));
        }

        if (target.dtype != output.dtype)
        {
            throw new ArgumentException(
                $"Error function '{function.Name}' needs the target in the output's dtype; output is {TensorDescription.Describe(output)}, target is {TensorDescription.Describe(target)}.",
                nameof(target));
        }
    }
}
