using TorchSharp;
using TrainMonitor.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Spectral;

/// <summary>
/// Lanczos iteration on an error operator started from the error vector: produces the Jacobi matrix of the
/// spectral measure <c>μ_e</c> of the error.
/// </summary>
public static class LanczosIteration
{
    /// <summary>
    /// Runs Lanczos on <paramref name="op"/> with start vector <c>q₁ = e/‖e‖</c> (e = <see cref="IErrorOperator.Error"/>).
    /// </summary>
    /// <remarks>
    /// The basis lives in float64 on the operator's device and is fully reorthogonalised (classical Gram–Schmidt
    /// applied twice) at every step. The iteration stops after <see cref="LanczosOptions.Steps"/> steps, on
    /// breakdown (see <see cref="LanczosOptions.BreakdownTolerance"/>), or when k reaches n; in the last two cases
    /// the Krylov space is invariant and <see cref="JacobiMatrix.BrokeDown"/> is true. A zero error vector gives
    /// <see cref="JacobiMatrix.Empty"/>. Every tensor created here is disposed before returning; the operator
    /// is applied at most k times.
    /// </remarks>
    /// <exception cref="ArgumentException">The error vector or a product <c>M q</c> is not finite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (checked every step).</exception>
    public static JacobiMatrix Run(IErrorOperator op, LanczosOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(options);
        ct.ThrowIfCancellationRequested();

        var n = op.Size;
        if (n == 0)
        {
            return JacobiMatrix.Empty;
        }

        using var scope = NewDisposeScope();
        var error = op.Error.to_type(ScalarType.Float64);
        var errorNorm = error.norm().item<double>();
        if (!double.IsFinite(errorNorm))
        {
            throw new ArgumentException("The error vector has non-finite entries.", nameof(op));
        }

        if (errorNorm == 0)
        {
            return JacobiMatrix.Empty;
        }

        var mass = errorNorm * errorNorm / n;
        var maxSteps = Math.Min(options.Steps, n);
        var basis = zeros(new long[] { maxSteps, n }, dtype: ScalarType.Float64, device: op.Device);
        basis[0].copy_(error / errorNorm);

        var alpha = new List<double>(maxSteps);
        var beta = new List<double>(maxSteps);
        var scale = 0.0;
        var brokeDown = false;
        for (var j = 0; j < maxSteps; j++)
        {
            ct.ThrowIfCancellationRequested();
            using var stepScope = NewDisposeScope();
            var q = basis[j];
            var w = op.Apply(q).to_type(ScalarType.Float64);
            var productNorm = w.norm().item<double>();
            if (!double.IsFinite(productNorm))
            {
                throw new ArgumentException($"The operator returned a non-finite product at Lanczos step {j + 1}.", nameof(op));
            }

            scale = Math.Max(scale, productNorm);

            // Full reorthogonalisation against q_1..q_j: classical Gram–Schmidt twice. The coefficient on q_j
            // summed over both passes is α_j = q_jᵀ M q_j (the second pass adds the round-off correction); the
            // coefficient on q_{j−1} reproduces β_{j−1} and the rest are round-off.
            var active = basis.narrow(0, 0, j + 1);
            var a = 0.0;
            for (var pass = 0; pass < 2; pass++)
            {
                var h = active.mv(w);
                a += h[j].item<double>();
                w = w - active.t().mv(h);
            }

            var b = w.norm().item<double>();
            alpha.Add(a);
            beta.Add(b);
            if (b <= options.BreakdownTolerance * scale)
            {
                brokeDown = true;
                break;
            }

            if (j + 1 < maxSteps)
            {
                basis[j + 1].copy_(w / b);
            }
        }

        // k = n: the Krylov space is the whole space, hence invariant, whatever the last residual says.
        brokeDown |= alpha.Count == n;
        return new JacobiMatrix(alpha, beta, mass, brokeDown);
    }
}
