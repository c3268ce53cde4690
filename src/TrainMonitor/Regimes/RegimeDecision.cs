using System.Globalization;

namespace TrainMonitor.Regimes;

/// <summary>
/// The decision rules of <see cref="RegimeTracker"/>: from one probe's figures to a <see cref="TrainingRegime"/> and the
/// reason in words.
/// </summary>
/// <remarks>Its own type because the rules and their wording are read and changed apart from the bookkeeping of the
/// window; they hold no state, everything they use comes in as arguments.</remarks>
internal static class RegimeDecision
{
    /// <summary>The regime and its reason for one probe, by the first rule that applies (see the remarks on <see cref="RegimeTracker"/>).</summary>
    internal static (TrainingRegime Regime, string Reason) Decide(
        RegimeThresholds t, int probeCount, int stalledProbes,
        RegimeObservation o, double previousEnergy, double earlierEnergy, double margin, double kernelVelocity, string? kernelNote,
        double frontierVelocity, double measured, bool kernelMoving, double transport, bool transportMoving)
    {
        // Divergence is not a matter of history: a non-finite error energy is unstable at once, warm-up or not.
        if (!double.IsFinite(o.ErrorEnergy))
        {
            return (TrainingRegime.Unstable, $"error energy is {F(o.ErrorEnergy)}, not finite: the run diverged");
        }

        if (probeCount < t.MinimumProbes)
        {
            return (TrainingRegime.WarmingUp, $"probe {probeCount} of the {t.MinimumProbes} needed before the regime is judged");
        }

        var instability = new List<string>(3);
        if (margin >= t.StabilityMarginLimit)
        {
            instability.Add($"stability margin η·λ_max = {F(margin)} ≥ {F(t.StabilityMarginLimit)}");
        }

        // Sustained growth, not a bump: above the tolerance against both of the window's two previous slots (each at least
        // MinimumLogSpacing back), so one rebound off a lucky low — SGD noise, a momentum overshoot — is not instability.
        if (double.IsFinite(previousEnergy) && o.ErrorEnergy > previousEnergy * (1.0 + t.EnergyGrowthTolerance)
            && !(o.ErrorEnergy <= earlierEnergy * (1.0 + t.EnergyGrowthTolerance)))
        {
            var growth = previousEnergy > 0.0 ? $"grew by {F(100.0 * (o.ErrorEnergy / previousEnergy - 1.0))} %" : "grew from 0";
            instability.Add($"error energy {growth} since the previous probe and stays above the one before by more than the tolerance ({F(100.0 * t.EnergyGrowthTolerance)} %)");
        }

        if (instability.Count > 0)
        {
            return (TrainingRegime.Unstable, string.Join("; ", instability));
        }

        var transportText = double.IsFinite(transport)
            ? $"transport fraction {F(transport)} {(transportMoving ? ">" : "≤")} {F(t.TransportThreshold)} (median of recent intervals)"
            : null;
        if (kernelMoving)
        {
            var moving = $"kernel velocity {F(kernelVelocity)} > {F(t.KernelVelocityThreshold)} per unit ln t";
            return (TrainingRegime.FeatureLearning, transportText is null ? moving : $"{moving}; {transportText}");
        }

        if (transportMoving)
        {
            return (TrainingRegime.FeatureLearning, transportText!);
        }

        var kernel = double.IsFinite(kernelVelocity)
            ? $"kernel velocity {F(kernelVelocity)} ≤ {F(t.KernelVelocityThreshold)}"
            : $"kernel not judged ({kernelNote ?? "fewer than two sketched probes in the window"}), decided from frontier and energy alone";
        if (transportText is not null)
        {
            kernel = $"{kernel}, {transportText}";
        }
        var frontier = double.IsFinite(frontierVelocity)
            ? $"frontier velocity {F(frontierVelocity)} {(frontierVelocity < t.FrontierStallVelocity ? "<" : "≥")} {F(t.FrontierStallVelocity)}" +
              (double.IsFinite(measured) ? $", loss exponent {F(measured)} {(measured < t.EnergyStallExponent ? "<" : "≥")} {F(t.EnergyStallExponent)}" : ", loss exponent unknown")
            : double.IsFinite(measured)
                ? $"frontier undetermined and loss exponent {F(measured)} {(measured < t.EnergyStallExponent ? "<" : "≥")} {F(t.EnergyStallExponent)}"
                : "frontier undetermined and loss exponent unknown";

        if (stalledProbes >= t.StagnationProbes)
        {
            return (TrainingRegime.LazyStagnant, $"{kernel} and {frontier} for {stalledProbes} probes");
        }

        var progress = stalledProbes > 0 ? $" (stalled for {stalledProbes} of the {t.StagnationProbes} probes that raise lazy_stagnant)" : string.Empty;
        return (TrainingRegime.LazyProgressing, $"{kernel} and {frontier}{progress}");
    }

    private static string F(double x) => (x == 0.0 ? 0.0 : x).ToString("G3", CultureInfo.InvariantCulture);
}
