using TorchSharp;
using TrainMonitor.Errors;
using static TorchSharp.torch;

namespace TrainMonitor.Torch;

/// <summary>
/// The validated pieces shared by the autograd and exact operators: choosing the parameters that take part,
/// running the forward pass, and VJPs that never hand libtorch an input it could abort the process on.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's <c>autograd.grad</c> aborts the process on any libtorch error, so every call here passes
/// <c>allow_unused: true</c> and an explicit <c>retain_graph</c>, and its arguments are checked beforehand
/// (grad output of the error's shape, dtype and device; graph present).
/// </remarks>
internal static class ErrorGraph
{
    /// <summary>The parameters that require grad, in order; throws if there are none.</summary>
    public static Tensor[] SelectTrainable(IReadOnlyList<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var trainable = new List<Tensor>(parameters.Count);
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i] ?? throw new ArgumentException($"Parameter {i} is null.", nameof(parameters));
            if (p.IsInvalid)
            {
                throw new ArgumentException($"Parameter {i} has been disposed.", nameof(parameters));
            }

            if (p.requires_grad)
            {
                trainable.Add(p);
            }
        }

        if (trainable.Count == 0)
        {
            throw new ArgumentException(
                $"None of the {parameters.Count} parameters requires grad, so the error has no Jacobian to probe.", nameof(parameters));
        }

        return [.. trainable];
    }

    /// <summary>
    /// Runs <paramref name="computeErrors"/> with grad enabled and flash SDPA off, and checks that the result is a
    /// non-empty 1-D floating vector connected to the autograd graph (of length <paramref name="expectedLength"/> if given).
    /// </summary>
    public static Tensor Forward(Func<Tensor> computeErrors, int? expectedLength)
    {
        Tensor errors;
        using (enable_grad())
        using (FlashAttentionOff.Enter())
        {
            errors = computeErrors() ?? throw new InvalidOperationException("computeErrors returned null.");
        }

        CheckShape(errors, expectedLength);
        if (!errors.requires_grad)
        {
            throw new InvalidOperationException(
                $"The error vector ({TensorDescription.Describe(errors)}) is not connected to any parameter (requires_grad is false): " +
                "no parameter influences the error, the forward ran without grad, or the error function detaches.");
        }

        return errors;
    }

    /// <summary>Runs <paramref name="computeErrors"/> without grad (finite-difference evaluations).</summary>
    public static Tensor ForwardWithoutGraph(Func<Tensor> computeErrors, int expectedLength)
    {
        using (no_grad())
        using (FlashAttentionOff.Enter())
        {
            var errors = computeErrors() ?? throw new InvalidOperationException("computeErrors returned null.");
            CheckShape(errors, expectedLength);
            return errors.detach();
        }
    }

    /// <summary>
    /// <c>Jᵀ u</c> per parameter, <paramref name="u"/> already in the error's dtype and device. Undefined gradients
    /// (parameters the error does not depend on) come back as null.
    /// </summary>
    public static Tensor?[] VectorJacobianProduct(Tensor errors, IReadOnlyList<Tensor> parameters, Tensor u, bool createGraph)
    {
        CheckGradOutput(errors, u);
        var grads = autograd.grad([errors], [.. parameters], [u], retain_graph: true, create_graph: createGraph, allow_unused: true);
        return [.. grads.Select(g => g.IsInvalid ? null : g)];
    }

    /// <summary>Flattened float64 concatenation; null entries become zeros of their parameter's size.</summary>
    public static Tensor Flatten(IReadOnlyList<Tensor?> parts, IReadOnlyList<Tensor> parameters)
    {
        var flat = new Tensor[parts.Count];
        for (var i = 0; i < parts.Count; i++)
        {
            flat[i] = parts[i] is { } g
                ? g.detach().reshape(-1).to_type(ScalarType.Float64)
                : zeros(parameters[i].numel(), ScalarType.Float64, parameters[i].device);
        }

        return cat(flat, 0);
    }

    public static void CheckGradOutput(Tensor errors, Tensor u)
    {
        if (u.dim() != 1 || u.shape[0] != errors.shape[0] || u.dtype != errors.dtype || !TensorDescription.SameDevice(u, errors))
        {
            throw new ArgumentException(
                $"Internal check: a grad output must match the error vector {TensorDescription.Describe(errors)}; got {TensorDescription.Describe(u)}.");
        }
    }

    /// <summary>A grad output for an arbitrary tensor root must match it in shape, dtype and device.</summary>
    public static void CheckGradOutputShape(Tensor root, Tensor gradOutput)
    {
        if (!root.shape.SequenceEqual(gradOutput.shape) || root.dtype != gradOutput.dtype || !TensorDescription.SameDevice(root, gradOutput))
        {
            throw new ArgumentException(
                $"Internal check: a grad output must match its root {TensorDescription.Describe(root)}; got {TensorDescription.Describe(gradOutput)}.");
        }
    }

    private static void CheckShape(Tensor errors, int? expectedLength)
    {
        if (errors.IsInvalid)
        {
            throw new InvalidOperationException("computeErrors returned a disposed tensor.");
        }

        if (errors.dim() != 1 || !errors.is_floating_point() || errors.shape[0] == 0)
        {
            throw new InvalidOperationException(
                $"computeErrors must return a non-empty 1-D floating-point error vector; got {TensorDescription.Describe(errors)}.");
        }

        if (expectedLength is { } n && errors.shape[0] != n)
        {
            throw new InvalidOperationException(
                $"computeErrors returned {errors.shape[0]} errors where the first call returned {n}: the probe batch must stay fixed.");
        }
    }
}
