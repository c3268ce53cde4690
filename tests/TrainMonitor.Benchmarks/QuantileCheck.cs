using TrainMonitor.Frontier;

namespace TrainMonitor.Benchmarks;

/// <summary>The certified interval of one energy-quantile frontier against the exact quantile of the same operator.</summary>
internal sealed record QuantileCheck(double Fraction, QuantileFrontier Frontier, ExactSpectrum Exact, double Floor)
{
    /// <summary>The exact λ_f(p) from eigh.</summary>
    public double ExactLambda => Exact.Quantile(Floor, Fraction);

    /// <summary>
    /// True when the exact quantile lies in the certified interval, allowing the reference's own round-off:
    /// <paramref name="massSlack"/> (a fraction of the non-null energy, the suite's containment slack) in the fraction,
    /// since a reference quantile on a knife edge may move to the neighbouring eigenvalue under it, and
    /// <paramref name="nodeSlack"/> (absolute) in λ, since eigenvalues from two decompositions differ by O(ε‖M‖).
    /// </summary>
    public bool Holds(double massSlack, double nodeSlack)
    {
        if (!Frontier.IsDetermined)
        {
            return false;
        }

        bool Inside(double lambda) => lambda >= Frontier.Lower - nodeSlack && lambda <= Frontier.Upper + nodeSlack;
        return Inside(ExactLambda)
            || Inside(Exact.Quantile(Floor, Math.Max(Fraction - massSlack, 1e-300)))
            || Inside(Exact.Quantile(Floor, Math.Min(Fraction + massSlack, 1.0)));
    }

    /// <summary>Width of the interval in decades (∞ when the upper end is not bounded).</summary>
    public double WidthDecades => Math.Log10(Frontier.Upper / Frontier.Lower);
}
