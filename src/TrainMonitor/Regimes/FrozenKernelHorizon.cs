using TrainMonitor.Spectral;

namespace TrainMonitor.Regimes;

/// <summary>
/// How far the frozen kernel is from resolving the error: the number of gradient steps at a learning rate η after which the
/// frozen-kernel dynamics (each node θ of the measure keeping (1 − ηθ)^(2N) of its weight, DESIGN §1.4) leave half of the
/// error energy. Quoted in a stall's reason: it says whether the rest of the error is out of reach at this rate.
/// </summary>
/// <remarks>
/// Exact for gradient descent on squared error with the probe set as training set; otherwise the seed's frozen-kernel
/// estimate, which is what the reason calls it. Nodes at or below the null floor, and nodes with ηθ ≥ 2 (which grow rather
/// than decay), do not decay.
/// </remarks>
internal static class FrozenKernelHorizon
{
    private const double LargestHorizon = 1e18;

    /// <summary>
    /// Steps to halve the error energy; +∞ when the non-decaying part alone holds half of it or more; NaN when the rate is
    /// not a finite positive number or the measure is empty.
    /// </summary>
    public static double HalfLife(SpectralMeasure measure, double learningRate, double nullFloor)
    {
        ArgumentNullException.ThrowIfNull(measure);
        if (!(learningRate > 0.0) || double.IsInfinity(learningRate) || !(measure.TotalMass > 0.0))
        {
            return double.NaN;
        }

        var nodes = measure.Nodes;
        var weights = measure.Weights;
        var half = 0.5 * measure.TotalMass;
        double Remaining(double steps)
        {
            var sum = 0.0;
            for (var j = 0; j < nodes.Count; j++)
            {
                var factor = nodes[j] > nullFloor ? (1.0 - learningRate * nodes[j]) * (1.0 - learningRate * nodes[j]) : 1.0;
                sum += factor < 1.0 ? weights[j] * Math.Pow(factor, steps) : weights[j];
            }

            return sum;
        }

        if (Remaining(LargestHorizon) > half)
        {
            return double.PositiveInfinity;
        }

        if (Remaining(1.0) <= half)
        {
            return 1.0;
        }

        // Bisection in ln N: Remaining is non-increasing in N, and a relative precision of 1e-3 is plenty for a reason text.
        double low = 0.0, high = Math.Log(LargestHorizon);
        while (high - low > 1e-3)
        {
            var middle = 0.5 * (low + high);
            if (Remaining(Math.Exp(middle)) > half)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return Math.Round(Math.Exp(high));
    }
}
