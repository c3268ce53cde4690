using TorchSharp;
using TrainMonitor.Torch;
using static TorchSharp.torch;

namespace TrainMonitor.Operators;

/// <summary>
/// Central difference <c>J w ≈ (e(θ + h w) − e(θ − h w)) / 2h</c>, the Jacobian-vector product of
/// <see cref="JvpMethod.FiniteDifference"/>. Truncation error is <c>O(h² ‖w‖³ ‖e'''‖)</c> and round-off
/// <c>O(ε ‖e‖ / h)</c>; balancing them gives <c>h‖w‖ ∝ ε^(1/3)</c>, scaled by <c>1 + ‖θ‖</c> so the step stays above
/// the rounding of the parameters themselves. The relative accuracy is then about <c>ε^(2/3)</c> (≈ 4e-11 in float64,
/// 2e-5 in float32) times problem constants.
/// </summary>
internal static class FiniteDifferenceJvp
{
    /// <summary>The step h for the direction <paramref name="w"/>, or null when w = 0 (then J w = 0).</summary>
    public static double? Step(Tensor[] parameters, Tensor[] w, double stepScale)
    {
        var epsilon = parameters.Max(p => finfo(p.dtype).eps);
        double thetaSquared = 0, wSquared = 0;
        for (var i = 0; i < parameters.Length; i++)
        {
            thetaSquared += parameters[i].detach().to_type(ScalarType.Float64).square().sum().item<double>();
            wSquared += w[i].to_type(ScalarType.Float64).square().sum().item<double>();
        }

        var wNorm = Math.Sqrt(wSquared);
        if (wNorm == 0)
        {
            return null;
        }

        return stepScale * Math.Cbrt(epsilon) * (1 + Math.Sqrt(thetaSquared)) / wNorm;
    }

    /// <summary>
    /// <c>(e(θ + h w) − e(θ − h w)) / 2h</c> in float64, from two forward passes at parameters perturbed in place; the
    /// parameters are restored bit-exactly and the perturbation epoch advanced, also when a forward pass throws.
    /// </summary>
    public static Tensor CentralDifference(Tensor[] parameters, Tensor[] w, double h, Func<Tensor> computeErrors, int size)
    {
        var saved = parameters.Select(p => p.detach().clone()).ToArray();
        Tensor plus, minus;
        try
        {
            using (no_grad())
            {
                for (var i = 0; i < parameters.Length; i++)
                {
                    parameters[i].add_(w[i], h);
                }
            }

            plus = ErrorGraph.ForwardWithoutGraph(computeErrors, size).to_type(ScalarType.Float64);
            using (no_grad())
            {
                for (var i = 0; i < parameters.Length; i++)
                {
                    parameters[i].copy_(saved[i]).add_(w[i], -h);
                }
            }

            minus = ErrorGraph.ForwardWithoutGraph(computeErrors, size).to_type(ScalarType.Float64);
        }
        finally
        {
            using (no_grad())
            {
                for (var i = 0; i < parameters.Length; i++)
                {
                    parameters[i].copy_(saved[i]);
                }
            }

            ParameterPerturbation.Advance();
        }

        return (plus - minus).div(2 * h);
    }
}
