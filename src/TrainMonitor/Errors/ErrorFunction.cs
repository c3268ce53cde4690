using TorchSharp;
using static TorchSharp.torch;

namespace TrainMonitor.Errors;

/// <summary>
/// A named map from a model's output and the batch target to the per-example (or per-token, per-output)
/// error vector <c>e</c> whose Jacobian defines the error operator <c>M = J Jᵀ / n</c>.
/// </summary>
/// <remarks>
/// <see cref="Compute"/> validates its inputs and the delegate's result, so a mistake shows up as an
/// <see cref="ArgumentException"/> naming the shapes, dtypes and devices involved rather than as a
/// libtorch error deep inside a probe. The built-in functions live in <see cref="ErrorFunctions"/>.
/// </remarks>
public sealed class ErrorFunction
{
    private readonly Func<Tensor, Tensor, Tensor> _compute;
    private readonly Action<ErrorFunction, Tensor, Tensor>? _validate;

    /// <summary>Creates an error function from a delegate <c>(output, target) → e</c> returning a 1-D floating tensor.</summary>
    /// <param name="name">Name used in messages and metrics, e.g. <c>"cross_entropy"</c>.</param>
    /// <param name="compute">Returns the 1-D error vector, connected to the parameters through <c>output</c>.</param>
    public ErrorFunction(string name, Func<Tensor, Tensor, Tensor> compute)
        : this(name, compute, null)
    {
    }

    internal ErrorFunction(string name, Func<Tensor, Tensor, Tensor> compute, Action<ErrorFunction, Tensor, Tensor>? validate,
        bool isSurprisal = false)
    {
        IsSurprisal = isSurprisal;
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(compute);
        Name = name;
        _compute = compute;
        _validate = validate;
    }

    /// <summary>
    /// Whether each error entry is itself a loss — a surprisal −log q(y*) (cross-entropy) — rather than a residual whose loss
    /// is the square (squared error, and user functions). It decides the probe's held-out loss (mean of e, or of e² — the
    /// mean squared error that <c>mse_loss</c> reports, not DESIGN §1.1's ½‖e‖²/n, so that a loop passing its MSE to
    /// <c>OnStep</c> compares like with like: <see cref="LossOf(Tensor)"/>) and whether <c>M = J Jᵀ / n</c> is the training loss's curvature
    /// (its Gauss–Newton matrix, so that η·λ_max is a stability margin): for residuals it is, for surprisals it is not (the
    /// loss curvature is <c>J_f (diag p − p pᵀ) J_fᵀ</c>).
    /// </summary>
    internal bool IsSurprisal { get; }

    /// <summary>Whether <c>M = J Jᵀ / n</c> is the curvature of the training loss (see <see cref="IsSurprisal"/>).</summary>
    internal bool OperatorIsLossCurvature => !IsSurprisal;

    /// <summary>The loss of one batch's error vector: mean of e for surprisals, mean of e² for residuals, as a float64 number.</summary>
    internal double LossOf(Tensor errors) => LossOf(errors, IsSurprisal);

    /// <summary><see cref="LossOf(Tensor)"/> for an error kind given by <paramref name="surprisal"/>.</summary>
    internal static double LossOf(Tensor errors, bool surprisal)
    {
        using var scope = torch.NewDisposeScope();
        var e = errors.to_type(ScalarType.Float64);
        return (surprisal ? e.mean() : e.square().mean()).item<double>();
    }

    /// <summary>Name of the error function.</summary>
    public string Name { get; }

    /// <summary>
    /// Computes the error vector for one batch after validating <paramref name="output"/> and <paramref name="target"/>.
    /// </summary>
    /// <param name="output">Model output; must be floating point.</param>
    /// <param name="target">Batch target on the same device as <paramref name="output"/>.</param>
    /// <returns>A 1-D floating tensor. When grad mode is enabled it is connected to the parameters (requires grad).</returns>
    /// <exception cref="ArgumentException">
    /// Wrong shapes, a non-floating output, a target dtype the function does not accept, tensors on different
    /// devices, or a result that is not 1-D, not floating, or (with grad mode enabled) not connected to any
    /// parameter.
    /// </exception>
    public Tensor Compute(Tensor output, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(target);
        if (!output.is_floating_point())
        {
            throw new ArgumentException(
                $"Error function '{Name}': the model output must be floating point; got {TensorDescription.Describe(output)}.", nameof(output));
        }

        if (!TensorDescription.SameDevice(output, target))
        {
            throw new ArgumentException(
                $"Error function '{Name}': output and target must be on one device; output is {TensorDescription.Describe(output)}, target is {TensorDescription.Describe(target)}.",
                nameof(target));
        }

        _validate?.Invoke(this, output, target);

        var errors = _compute(output, target)
            ?? throw new ArgumentException($"Error function '{Name}' returned null.", nameof(output));
        if (errors.dim() != 1)
        {
            throw new ArgumentException(
                $"Error function '{Name}' must return a 1-D error vector; got {TensorDescription.Describe(errors)} from output {TensorDescription.Describe(output)}.",
                nameof(output));
        }

        if (!errors.is_floating_point())
        {
            throw new ArgumentException(
                $"Error function '{Name}' must return a floating-point error vector; got {TensorDescription.Describe(errors)}.", nameof(output));
        }

        if (is_grad_enabled() && !errors.requires_grad)
        {
            throw new ArgumentException(
                $"Error function '{Name}' returned {TensorDescription.Describe(errors)} that is not connected to any parameter (requires_grad is false). " +
                $"The output ({TensorDescription.Describe(output)}) has requires_grad={output.requires_grad}: check that the forward pass ran with grad enabled, " +
                "that the parameters require grad, and that the function does not detach.",
                nameof(output));
        }

        return errors;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
