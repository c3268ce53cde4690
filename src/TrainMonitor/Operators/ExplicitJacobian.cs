using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Torch;
using static TorchSharp.torch;

namespace TrainMonitor.Operators;

/// <summary>
/// The Jacobian <c>J = ∂e/∂θ</c> of an error vector, formed explicitly row by row (one VJP with each unit vector):
/// n backward passes and an n×P float64 matrix, so for small probe batches and tests only.
/// </summary>
public static class ExplicitJacobian
{
    /// <summary>
    /// Computes <c>J</c> as a float64 tensor of shape <c>[n, P]</c>. Columns follow the parameters that require grad,
    /// in the given order, each flattened row-major; parameters the error does not depend on give zero columns.
    /// </summary>
    /// <param name="parameters">The parameters θ; those without <c>requires_grad</c> are left out.</param>
    /// <param name="computeErrors">Runs the forward pass and returns the 1-D error vector (called once).</param>
    /// <returns>The Jacobian, float64, on the error's device.</returns>
    public static Tensor Compute(IReadOnlyList<Tensor> parameters, Func<Tensor> computeErrors)
    {
        var jacobian = Compute(parameters, computeErrors, int.MaxValue, out var error, out _);
        error.Dispose();
        return jacobian;
    }

    /// <summary>
    /// Computes the Jacobian and the float64 error vector, throwing before any backward pass when the batch has
    /// more than <paramref name="maxRows"/> errors.
    /// </summary>
    internal static Tensor Compute(IReadOnlyList<Tensor> parameters, Func<Tensor> computeErrors, int maxRows, out Tensor error, out int rows)
    {
        ArgumentNullException.ThrowIfNull(computeErrors);
        var trainable = ErrorGraph.SelectTrainable(parameters);
        using var scope = NewDisposeScope();
        var errors = ErrorGraph.Forward(computeErrors, expectedLength: null);
        rows = checked((int)errors.shape[0]);
        if (rows > maxRows)
        {
            throw new InvalidOperationException(
                $"The batch has {rows} errors; the explicit Jacobian is limited to {maxRows} rows (n VJPs and an n×P matrix). " +
                "Use a smaller probe batch, raise the limit, or use the matrix-free AutogradErrorOperator.");
        }

        var columns = trainable.Sum(p => p.numel());
        var jacobian = zeros([rows, columns], ScalarType.Float64, errors.device);
        var anyUsed = false;
        for (var i = 0; i < rows; i++)
        {
            using var rowScope = NewDisposeScope();
            var unit = zeros_like(errors);
            unit[i] = ones(1, errors.dtype, errors.device).squeeze(0);
            var grads = ErrorGraph.VectorJacobianProduct(errors, trainable, unit, createGraph: false);
            anyUsed |= grads.Any(g => g is not null);
            jacobian[i] = ErrorGraph.Flatten(grads, trainable);
        }

        if (!anyUsed)
        {
            throw new InvalidOperationException(
                $"None of the {trainable.Length} trainable parameters influences the error vector ({TensorDescription.Describe(errors)}).");
        }

        error = errors.detach().to_type(ScalarType.Float64).clone().MoveToOuterDisposeScope();
        return jacobian.MoveToOuterDisposeScope();
    }
}
