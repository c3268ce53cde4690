using System.Globalization;
using TrainMonitor.Shells;
using TrainMonitor.Spectral;

namespace TrainMonitor.Frontier;

/// <summary>
/// The energy-quantile frontier <c>λ_f(p)</c>: the eigenvalue above which a fraction p of the non-null error energy
/// lies, with a certified interval <c>[Lower, Upper]</c> that contains it. Immutable.
/// </summary>
/// <remarks>
/// <para><b>Definition.</b> With μ the error's spectral measure, floor ν (the null floor) and non-null energy
/// <c>N = μ([ν, ∞))</c>, <c>λ_f(p) = sup { λ ≥ ν : μ([λ, ∞)) ≥ p·N }</c>. For a discrete measure it is the eigenvalue at
/// which the energy counted from the top first reaches p·N. Under the frozen-kernel model (energy density
/// <c>λ^s e^{−λ/λ_f}</c> per unit ln λ) every such quantile is a fixed multiple of λ_f, so its velocity in ln t is the
/// frontier velocity c; unlike the amplitude–frontier fit (<see cref="FrontierFit"/>) it exists for every probe whose
/// error has non-null energy.</para>
/// <para><b>Certified interval.</b> Write <c>A(λ) = μ((−∞, λ))</c> and T the total mass (known exactly: ‖e‖²/n). The
/// defining condition is <c>T − A(λ) ≥ p·(T − A(ν))</c>; it holds for every λ up to the quantile and fails above it.
/// The Chebyshev–Markov–Stieltjes bounds of <see cref="GaussRadauBounds"/> give <c>A⁻(λ) ≤ A(λ) ≤ μ((−∞, λ]) ≤ A⁺(λ)</c>
/// with no further operator products. The condition certainly holds at λ when <c>T − A⁺(λ) ≥ p·(T − A⁻(ν))</c>, which
/// proves <c>λ_f ≥ λ</c>; it certainly fails when <c>T − A⁻(λ) &lt; p·(T − A⁺(ν))</c>, which proves <c>λ_f ≤ λ</c>.
/// Lower is the largest point found where the condition certainly holds (ν when none is, since λ_f ≥ ν by definition),
/// Upper the smallest where it certainly fails (+∞ when none is found up to 1000·λ_max); a bisection in ln λ locates
/// them to a relative 1e-4, and each end is certified at the point itself, so the result does not rely on the bounds
/// being monotone in λ. When every batch's measure is exact (the Gram and exact paths, or Lanczos run to breakdown)
/// the quantile is computed from the eigenvalues themselves and the interval has zero width.</para>
/// <para><b>Estimate.</b> The quantile of the Gauss quadrature measure (the probe's nodes and weights): a node, inside
/// the certified interval because the Gauss measure has the same moments as μ and the bounds hold for every such
/// measure.</para>
/// </remarks>
public sealed record QuantileFrontier
{
    /// <summary>Default fraction p of the non-null error energy above the frontier (the energy median; see docs/engine.md).</summary>
    public const double DefaultEnergyFraction = 0.5;

    /// <summary>Relative resolution in λ to which the ends of a non-exact interval are located.</summary>
    internal const double Resolution = 1e-4;

    /// <summary>How far above λ_max the search for a certified upper end goes before it gives +∞.</summary>
    private const double SearchCeilingFactor = 1000;

    private QuantileFrontier(double fraction, double lambda, double lower, double upper, bool isExact, string? reason)
    {
        EnergyFraction = fraction;
        Lambda = lambda;
        Lower = lower;
        Upper = upper;
        IsExact = isExact;
        Reason = reason;
    }

    /// <summary>The fraction p of the non-null error energy that lies above <see cref="Lambda"/>.</summary>
    public double EnergyFraction { get; }

    /// <summary>The quantile of the probe's quadrature measure (exact on exact paths); NaN when undetermined.</summary>
    public double Lambda { get; }

    /// <summary>Certified lower end: the true quantile is at least this; NaN when undetermined.</summary>
    public double Lower { get; }

    /// <summary>Certified upper end: the true quantile is at most this (may be +∞); NaN when undetermined.</summary>
    public double Upper { get; }

    /// <summary>True when every batch's measure was exact, so Lower = Lambda = Upper.</summary>
    public bool IsExact { get; }

    /// <summary>True when the quantile exists (the error has non-null energy).</summary>
    public bool IsDetermined => Reason is null;

    /// <summary>Null when determined; otherwise why not (e.g. "all error energy lies below the null floor").</summary>
    public string? Reason { get; }

    /// <summary>An undetermined quantile frontier with its <paramref name="reason"/>.</summary>
    public static QuantileFrontier Undetermined(double fraction, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new QuantileFrontier(fraction, double.NaN, double.NaN, double.NaN, false, reason);
    }

    /// <summary>
    /// The quantile frontier of <paramref name="measure"/> above the null <paramref name="floor"/> (an eigenvalue, ≥ 0;
    /// nodes at or below 0 are null whatever the floor), for the energy fraction <paramref name="fraction"/> in (0, 1).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not in (0, 1) or the floor is negative or not finite.</exception>
    public static QuantileFrontier Compute(SpectralMeasure measure, double floor, double fraction)
    {
        ArgumentNullException.ThrowIfNull(measure);
        if (!(fraction > 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The energy fraction above the frontier must lie in (0, 1).");
        }

        if (!(floor >= 0) || !double.IsFinite(floor))
        {
            throw new ArgumentOutOfRangeException(nameof(floor), floor, "The null floor must be a finite eigenvalue ≥ 0.");
        }

        var total = measure.TotalMass;
        if (!double.IsFinite(total))
        {
            return Undetermined(fraction, "the error energy is not finite");
        }

        if (!(total > 0))
        {
            return Undetermined(fraction, "the error is zero");
        }

        var estimate = GaussQuantile(measure, floor, fraction);
        if (double.IsNaN(estimate))
        {
            return Undetermined(fraction, Format($"all error energy lies below the null floor {floor:g3}"));
        }

        if (measure.Components.All(c => c.BrokeDown || c.ResidualNorm == 0))
        {
            return new QuantileFrontier(fraction, estimate, estimate, estimate, true, null);
        }

        // The null energy's bounds enter both ends' conditions; one Radau evaluation at the floor serves both.
        var nullBounds = GaussRadauBounds.Evaluate(measure, floor);
        var lower = CertifiedLower(measure, floor, nullBounds, fraction, total, estimate);
        var upper = CertifiedUpper(measure, nullBounds, fraction, total, estimate);
        return new QuantileFrontier(fraction, estimate, Math.Min(lower, estimate), Math.Max(upper, estimate), false, null);
    }

    /// <summary>The node at which the Gauss weights above the floor, summed from the top, first reach p times their total.</summary>
    private static double GaussQuantile(SpectralMeasure measure, double floor, double fraction)
    {
        var nodes = measure.Nodes;
        var weights = measure.Weights;
        var nonNull = 0.0;
        for (var j = 0; j < nodes.Count; j++)
        {
            if (IsNonNull(nodes[j], floor))
            {
                nonNull += weights[j];
            }
        }

        if (!(nonNull > 0))
        {
            return double.NaN;
        }

        var target = fraction * nonNull;
        var above = 0.0;
        for (var j = nodes.Count - 1; j >= 0; j--)
        {
            if (!IsNonNull(nodes[j], floor))
            {
                continue;
            }

            above += weights[j];
            if (above >= target)
            {
                return nodes[j];
            }
        }

        // Round-off in the sum: the lowest non-null node carries the rest.
        for (var j = 0; j < nodes.Count; j++)
        {
            if (IsNonNull(nodes[j], floor))
            {
                return nodes[j];
            }
        }

        return double.NaN;
    }

    private static bool IsNonNull(double node, double floor) => node >= floor && node > 0;

    private static double CertifiedLower(SpectralMeasure measure, double floor, CumulativeMassBounds nullBounds, double fraction, double total,
        double estimate)
    {
        bool CertainlyHolds(double lambda) => total - GaussRadauBounds.Evaluate(measure, lambda).Upper >= fraction * (total - nullBounds.Lower);

        var bottom = floor > 0 ? floor : SmallestPositiveNode(measure);
        if (!(bottom > 0) || !CertainlyHolds(bottom))
        {
            // λ_f ≥ ν holds by definition; with a zero floor nothing smaller is certain.
            return floor;
        }

        // Holds at `low`, not known at `high`; the estimate is a good first guess for the boundary.
        double low = bottom, high = estimate;
        if (high > low && CertainlyHolds(high))
        {
            low = high;
            high = Math.Max(high * 2, measure.LambdaMax * (1 + Resolution));
            while (CertainlyHolds(high) && high < SearchCeilingFactor * measure.LambdaMax)
            {
                low = high;
                high *= 2;
            }
        }

        return Bisect(low, high, CertainlyHolds);
    }

    private static double CertifiedUpper(SpectralMeasure measure, CumulativeMassBounds nullBounds, double fraction, double total, double estimate)
    {
        bool CertainlyFails(double lambda) => total - GaussRadauBounds.Evaluate(measure, lambda).Lower < fraction * (total - nullBounds.Upper);

        var ceiling = SearchCeilingFactor * measure.LambdaMax;
        double high = Math.Max(estimate * 2, estimate * (1 + Resolution));
        while (!CertainlyFails(high))
        {
            if (high >= ceiling)
            {
                return double.PositiveInfinity;
            }

            high *= 2;
        }

        // Fails at `high`; find the smallest such point above the estimate (the condition holds in the Gauss measure there).
        var low = estimate;
        return Bisect(low, high, lambda => !CertainlyFails(lambda), returnHigh: true);
    }

    /// <summary>
    /// Bisection in ln λ of a predicate true at <paramref name="low"/> and false at <paramref name="high"/>: returns the last
    /// point where it was true (or, with <paramref name="returnHigh"/>, the first where it was false).
    /// </summary>
    private static double Bisect(double low, double high, Func<double, bool> predicate, bool returnHigh = false)
    {
        for (var i = 0; i < 200 && high > low * (1 + Resolution); i++)
        {
            var middle = Math.Sqrt(low * high);
            if (predicate(middle))
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return returnHigh ? high : low;
    }

    private static double SmallestPositiveNode(SpectralMeasure measure)
    {
        foreach (var node in measure.Nodes)
        {
            if (node > 0)
            {
                return node;
            }
        }

        return double.NaN;
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
