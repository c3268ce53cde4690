using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Torch;
using static TorchSharp.torch;

namespace TrainMonitor.Operators;

/// <summary>
/// The exact path: forms <c>M = J Jᵀ / n</c> from the explicit Jacobian and wraps it in a
/// <see cref="MatrixErrorOperator"/>. For small probe batches and as a reference.
/// </summary>
public static class ExactErrorOperator
{
    /// <summary>Default upper limit on n (the explicit Jacobian costs n backward passes and n·P·8 bytes).</summary>
    public const int DefaultMaxSize = 2048;

    /// <summary>Builds the explicit operator for the error vector returned by <paramref name="computeErrors"/>.</summary>
    /// <param name="parameters">The parameters θ; those with <c>requires_grad</c> take part.</param>
    /// <param name="computeErrors">Runs the forward pass and returns the 1-D error vector (called once).</param>
    /// <param name="maxSize">Largest n accepted; larger batches throw before any backward pass.</param>
    /// <exception cref="InvalidOperationException">The batch has more than <paramref name="maxSize"/> errors, or no parameter influences them.</exception>
    public static MatrixErrorOperator Create(IReadOnlyList<Tensor> parameters, Func<Tensor> computeErrors, int maxSize = DefaultMaxSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSize);
        using var scope = NewDisposeScope();
        var jacobian = ExplicitJacobian.Compute(parameters, computeErrors, maxSize, out var error, out var n);
        var matrix = jacobian.mm(jacobian.t()).div(n);
        // Symmetrise: J Jᵀ is symmetric in exact arithmetic; make it so to the last bit for eigh.
        matrix = matrix.add(matrix.t()).mul(0.5);
        // J's rows are reverse passes in the model's dtype, so M carries the parameters' round-off (J itself is float64).
        var computeDtype = FloatPrecision.Coarsest(parameters.Where(p => p.requires_grad).Select(p => p.dtype));
        return new MatrixErrorOperator(matrix, error, computeDtype);
    }

    /// <summary>
    /// Builds the explicit operator of a model on one probe batch (trainable parameters, errors
    /// <c>error(model.call(input), target)</c> with the model in evaluation mode and flash SDPA off during the forward).
    /// </summary>
    /// <param name="model">The model; it is not modified.</param>
    /// <param name="input">Probe inputs, on the model's device.</param>
    /// <param name="target">Probe targets, on the model's device.</param>
    /// <param name="error">The error function.</param>
    /// <param name="maxSize">Largest n accepted.</param>
    public static MatrixErrorOperator ForModel(nn.Module<Tensor, Tensor> model, Tensor input, Tensor target, ErrorFunction error, int maxSize = DefaultMaxSize)
    {
        var (parameters, computeErrors) = ModelProbe.Build(model, input, target, error);
        return Create(parameters, computeErrors, maxSize);
    }
}
