using TrainMonitor.Shells;
using TrainMonitor.Spectral;

namespace TrainMonitor.EnergyBudget;

/// <summary>
/// Per-shell dissipation of one probe: the energy one gradient-descent step at learning rate η, on the probe operator
/// with a frozen kernel, takes out of each shell of the profile (<see cref="ShellDissipation"/>), with the null band's
/// share and the total. The exact one-step form <c>1 − (1 − ηθ)² = 2ηθ − η²θ²</c>, not only its first-order part.
/// Immutable (a record, so a reader of saved snapshots can rebuild it).
/// </summary>
public sealed record DissipationProfile
{
    /// <summary>The learning rate η the dissipation is computed at.</summary>
    public required double LearningRate { get; init; }

    /// <summary>One entry per shell of the profile, in the profile's order.</summary>
    public required IReadOnlyList<ShellDissipation> Shells { get; init; }

    /// <summary>Dissipation of the energy below the null floor (estimate).</summary>
    public required double NullDissipation { get; init; }

    /// <summary><c>Σ_j (2ηθ_j − η²θ_j²) w_j</c> over every node: the error energy one step removes.</summary>
    public required double Total { get; init; }

    /// <summary>Dissipation of <paramref name="measure"/> per shell of <paramref name="profile"/> at <paramref name="learningRate"/>.</summary>
    /// <param name="profile">The profile computed from <paramref name="measure"/> (its shells and floor are used).</param>
    /// <param name="measure">The probe's spectral measure.</param>
    /// <param name="learningRate">The learning rate of the step (finite, non-negative).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative or not finite.</exception>
    public static DissipationProfile Compute(ShellProfile profile, SpectralMeasure measure, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(measure);
        if (!(learningRate >= 0) || !double.IsFinite(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be finite and non-negative.");
        }

        double Rate(double theta) => 2 * learningRate * theta - learningRate * learningRate * theta * theta;

        var exact = MeasureExactness.IsExact(measure);
        var nodes = measure.Nodes;
        var weights = measure.Weights;
        var estimates = new double[profile.Shells.Count];
        var nullDissipation = 0.0;
        var total = 0.0;
        for (var j = 0; j < nodes.Count; j++)
        {
            var d = Rate(nodes[j]) * weights[j];
            total += d;
            var slot = ShellSlot.Of(profile, nodes[j]);
            if (slot < 0)
            {
                nullDissipation += d;
            }
            else
            {
                estimates[slot] += d;
            }
        }

        var shells = new ShellDissipation[profile.Shells.Count];
        for (var i = 0; i < shells.Length; i++)
        {
            var s = profile.Shells[i];
            if (exact)
            {
                shells[i] = new ShellDissipation(s.Index, s.LambdaLower, s.LambdaUpper, estimates[i], estimates[i], estimates[i]);
                continue;
            }

            // The rate is a concave parabola with its top at θ = 1/η: on the shell its least value is at an edge.
            var rMin = Math.Min(Rate(s.LambdaLower), Rate(s.LambdaUpper));
            var top = learningRate > 0 ? 1 / learningRate : double.PositiveInfinity;
            var rMax = top > s.LambdaLower && top < s.LambdaUpper ? Rate(top) : Math.Max(Rate(s.LambdaLower), Rate(s.LambdaUpper));
            var lower = rMin >= 0 ? rMin * s.Lower : rMin * s.Upper;
            var upper = rMax >= 0 ? rMax * s.Upper : rMax * s.Lower;
            shells[i] = new ShellDissipation(s.Index, s.LambdaLower, s.LambdaUpper, estimates[i], lower, upper);
        }

        return new DissipationProfile { LearningRate = learningRate, Shells = Array.AsReadOnly(shells), NullDissipation = nullDissipation, Total = total };
    }
}
