using System.Globalization;

namespace TrainMonitor.Regimes;

/// <summary>
/// The decision rules of <see cref="RegimeTracker"/>: from one probe's signals to a <see cref="TrainingRegime"/>, the reason
/// in words a person can act on, and the divergence being held, if any.
/// </summary>
/// <remarks>Its own type because the rules and their wording are read and changed apart from the bookkeeping of the
/// history; they hold no state, everything they use comes in as arguments.</remarks>
internal static class RegimeDecision
{
    /// <summary>The regime, its reason and the divergence still held after this probe (see the remarks on <see cref="RegimeTracker"/>).</summary>
    internal static (TrainingRegime Regime, string Reason, UnstableEpisode? Episode) Decide(RegimeThresholds t, in RegimeSignals s, UnstableEpisode? episode,
        TrainingRegime previous)
    {
        var o = s.Observation;
        // Divergence is not a matter of history: a non-finite error is unstable at once, warm-up or not.
        if (!double.IsFinite(o.ErrorEnergy) || !double.IsFinite(s.Level))
        {
            var held = episode ?? Start(t, s);
            var what = double.IsFinite(o.ErrorEnergy) ? $"held-out loss is {F(s.Level)}" : $"error energy is {F(o.ErrorEnergy)}";
            return (TrainingRegime.Unstable, $"{what}, not finite: the run diverged{Since(held, o.Step)}", held);
        }

        if (s.ProbeCount < t.MinimumProbes)
        {
            return (TrainingRegime.WarmingUp, $"probe {s.ProbeCount} of the {t.MinimumProbes} needed before the regime is judged", null);
        }

        var recovered = string.Empty;
        if (episode is not null)
        {
            if (!Recovered(t, s, episode))
            {
                return (TrainingRegime.Unstable, StillUnstable(t, s, episode), episode);
            }

            recovered = $" (recovered from the divergence of step {episode.Since}: held-out loss {F(s.Level)} is back within ×{F(Math.Exp(episode.Band))} of its level before, {F(episode.ReferenceLevel)})";
            episode = null;
        }

        var rising = s.Jump > s.RiseThreshold;
        if (rising && (s.TrainingLossRising || !s.TrainingLossKnown))
        {
            return (TrainingRegime.Unstable, Diverging(s), Start(t, s));
        }

        if (o.StabilityMarginApplies && s.Margin >= t.StabilityMarginLimit)
        {
            return (TrainingRegime.Unstable, $"stability margin η·λ_max = {F(s.Margin)} ≥ {F(t.StabilityMarginLimit)}: gradient descent on this curvature diverges along the top eigenvector", null);
        }

        // Outputs that stand still cannot make the held-out error rise: a frozen run is a stall, whatever its error did before
        // (and its probe-to-probe noise collapses to nothing, which would make any level above an old best look like a rise).
        if (s.FrozenProbes >= t.FrozenProbes)
        {
            return Stalled(t, s, Frozen(t, s) + recovered);
        }

        // Overfitting: the median of the last three probes rose above its best beyond the noise (and the latest probe with it:
        // after a divergence the median still holds diverged probes while the error is already back) with the training loss
        // fallen materially since; or, needing no noise yardstick, a generalization gap that widened by a factor.
        var overfitBar = previous == TrainingRegime.Overfitting ? 0.5 * s.SmoothedRiseThreshold : s.SmoothedRiseThreshold;
        var heldOutRose = s.SmoothedRise > overfitBar && Math.Log(s.Level / s.BestSmoothedLoss) > overfitBar;
        if (heldOutRose && !s.TrainingLossKnown)
        {
            return (TrainingRegime.Unstable, $"{HeldOutRise(s)}; no training loss was passed to OnStep, so overfitting cannot be told from divergence", Start(t, s));
        }

        // The training loss must have kept falling since the held-out best, by a material fraction: held-out error that
        // wanders above an old low while training stands still is noise of a wandering run, not a widening gap.
        var trainingFell = o.TrainingLoss <= (1.0 - t.LearningDrop) * s.TrainingLossAtBest;
        if (!s.TrainingLossRising && ((heldOutRose && trainingFell) || s.GapWidened))
        {
            return (TrainingRegime.Overfitting, Overfitting(t, s, heldOutRose && trainingFell) + recovered, null);
        }

        if (s.KernelMoving || s.TransportMoving)
        {
            return (TrainingRegime.FeatureLearning, Moving(t, s, previous) + recovered, null);
        }

        if (s.SlowStalledProbes >= t.StagnationProbes)
        {
            return Stalled(t, s, SlowStall(t, s) + $" for {Probes(s.SlowStalledProbes)}" + Horizon(s) + recovered);
        }

        var progress = s.SlowStalledProbes > 0 ? $" (stalled for {s.SlowStalledProbes} of the {t.StagnationProbes} probes that raise lazy_stagnant)" : string.Empty;
        return (TrainingRegime.LazyProgressing, $"{SlowStall(t, s)}{progress}{recovered}", null);
    }

    /// <summary>A divergence seen at this probe: the level before it and the band it must come back into.</summary>
    private static UnstableEpisode Start(RegimeThresholds t, in RegimeSignals s) =>
        new(s.Observation.Step, s.PreviousSmoothedLoss, s.RecentBestTrainingLoss, Math.Max(Math.Log(1.0 + t.EnergyGrowthTolerance), 0.5 * s.RiseThreshold));

    private static bool Recovered(RegimeThresholds t, in RegimeSignals s, UnstableEpisode episode)
    {
        var o = s.Observation;
        var heldOutBack = !(Math.Log(s.Level / episode.ReferenceLevel) > episode.Band);
        var trainingBack = !s.TrainingLossKnown
            || (double.IsFinite(o.TrainingLoss) && !(o.TrainingLoss > episode.ReferenceTrainingLoss * (1.0 + t.TrainingLossGrowthTolerance)));
        return heldOutBack && trainingBack;
    }

    private static (TrainingRegime, string, UnstableEpisode?) Stalled(RegimeThresholds t, in RegimeSignals s, string why)
    {
        if (s.HasLearned)
        {
            return (TrainingRegime.LazyStagnant, $"learning stopped: {why}", null);
        }

        var o = s.Observation;
        return (TrainingRegime.NotLearning,
            $"not learning: the held-out loss {F(s.Level)} never fell {Percent(t.LearningDrop)} below the first probe's ({F(s.FirstLoss)} at step {s.FirstStep}), the tangent kernel never moved, and {why}",
            null);
    }

    private static string Frozen(RegimeThresholds t, in RegimeSignals s)
    {
        var o = s.Observation;
        var rate = o.LearningRate is { } eta && double.IsFinite(eta) && s.LargestLearningRate > 0.0 && eta < 0.01 * s.LargestLearningRate
            ? $"; the learning rate {F(eta)} is {F(eta / s.LargestLearningRate)} of its largest in this run ({F(s.LargestLearningRate)})"
            : string.Empty;
        return $"the model's outputs on the probe set stand still since step {s.FrozenSince} ({Probes(s.FrozenProbes)}): they moved by {F(s.OutputChange)} " +
               $"(relative) in the {o.Step - s.PreviousStep} steps to step {o.Step}, {F(s.OutputSpeed)} per unit ln t (frozen below {F(t.FrozenOutputSpeed)}), " +
               $"and the tangent kernel turned by {F(s.KernelAngle)} rad{rate}{Horizon(s)}";
    }

    private static string SlowStall(RegimeThresholds t, in RegimeSignals s)
    {
        var kernel = double.IsFinite(s.KernelVelocity)
            ? $"tangent kernel frozen (velocity {F(s.KernelVelocity)} ≤ {F(t.KernelVelocityThreshold)} rad per e-fold of held-out loss)"
            : $"kernel not judged ({s.KernelNote ?? "fewer than two sketched probes"}), decided from frontier and energy alone";
        if (double.IsFinite(s.Transport))
        {
            kernel = $"{kernel}, transport fraction {F(s.Transport)} ≤ {F(t.TransportThreshold)} (median of recent intervals)";
        }

        var measured = s.MeasuredExponent;
        var frontier = double.IsFinite(s.FrontierVelocity)
            ? $"frontier velocity {F(s.FrontierVelocity)} {(s.FrontierVelocity < t.FrontierStallVelocity ? "<" : "≥")} {F(t.FrontierStallVelocity)}" +
              (double.IsFinite(measured) ? $", loss exponent {F(measured)} {(measured < t.EnergyStallExponent ? "<" : "≥")} {F(t.EnergyStallExponent)}" : ", loss exponent unknown")
            : double.IsFinite(measured)
                ? $"frontier undetermined and loss exponent {F(measured)} {(measured < t.EnergyStallExponent ? "<" : "≥")} {F(t.EnergyStallExponent)}"
                : "frontier undetermined and loss exponent unknown";
        var reach = s.Observation.NullEnergyFraction >= 0.5
            ? $"; {Percent(s.Observation.NullEnergyFraction)} of the error energy is in the null space of the kernel, out of its reach at any learning rate"
            : string.Empty;
        return $"{kernel} and {frontier}{reach}";
    }

    private static string Moving(RegimeThresholds t, in RegimeSignals s, TrainingRegime previous)
    {
        var threshold = previous == TrainingRegime.FeatureLearning ? 0.5 * t.KernelVelocityThreshold : t.KernelVelocityThreshold;
        var kernel = double.IsFinite(s.KernelVelocity)
            ? $"tangent kernel moving: velocity {F(s.KernelVelocity)} > {F(threshold)} rad per e-fold of held-out loss"
            : null;
        var transport = double.IsFinite(s.Transport)
            ? $"transport fraction {F(s.Transport)} {(s.TransportMoving ? ">" : "≤")} {F(t.TransportThreshold)} (median of recent intervals)"
            : null;
        return string.Join("; ", new[] { s.KernelMoving ? kernel : null, transport }.Where(x => x is not null));
    }

    private static string Diverging(in RegimeSignals s)
    {
        var o = s.Observation;
        var loss = !s.TrainingLossKnown
            ? "no training loss was passed to OnStep"
            : double.IsFinite(o.TrainingLoss)
                ? $"the training loss rose to {F(o.TrainingLoss)} from {F(s.RecentBestTrainingLoss)}"
                : $"the training loss is {F(o.TrainingLoss)}";
        return $"diverging: held-out loss {F(s.Level)} is {F(Math.Exp(s.Jump))}× its best ({F(s.BestLoss)} at step {s.BestLossStep}), " +
               $"beyond the probe-to-probe noise (×{F(Math.Exp(s.RiseThreshold))}), and {loss}";
    }

    private static string HeldOutRise(in RegimeSignals s) =>
        $"held-out loss {F(s.Level)}: its median over the last 3 probes is {F(Math.Exp(s.SmoothedRise))}× its best " +
        $"({F(s.BestSmoothedLoss)} at step {s.BestSmoothedStep}), beyond the probe-to-probe noise (×{F(Math.Exp(s.SmoothedRiseThreshold))})";

    private static string Overfitting(RegimeThresholds t, in RegimeSignals s, bool beyondNoise)
    {
        var o = s.Observation;
        if (beyondNoise)
        {
            return $"overfitting: {HeldOutRise(s)} while the training loss went from {F(s.TrainingLossAtBest)} to {F(o.TrainingLoss)}; " +
                   $"the best held-out model was at step {s.BestSmoothedStep}";
        }

        return $"overfitting: held-out loss {F(s.Level)} is {F(s.Level / s.BestLoss)}× its best ({F(s.BestLoss)} at step {s.BestLossStep}), above it by more than " +
               $"{Percent(t.EnergyGrowthTolerance)} at two probes in a row, while the training loss fell {F(s.TrainingLossAtBestLoss / o.TrainingLoss)}-fold since " +
               $"(from {F(s.TrainingLossAtBestLoss)} to {F(o.TrainingLoss)}): the generalization gap widened; the best held-out model was at step {s.BestLossStep}";
    }

    private static string StillUnstable(RegimeThresholds t, in RegimeSignals s, UnstableEpisode episode)
    {
        var o = s.Observation;
        var loss = s.TrainingLossKnown && double.IsFinite(episode.ReferenceTrainingLoss)
            ? $", training loss {F(o.TrainingLoss)} (before: {F(episode.ReferenceTrainingLoss)})"
            : string.Empty;
        return $"unstable since step {episode.Since}: held-out loss {F(s.Level)} is {F(s.Level / episode.ReferenceLevel)}× its level before the divergence " +
               $"({F(episode.ReferenceLevel)}){loss}; held until it is back within ×{F(Math.Exp(episode.Band))} of that level (its probe-to-probe noise then)";
    }

    private static string Horizon(in RegimeSignals s)
    {
        var halfLife = s.Observation.FrozenKernelHalfLife;
        if (double.IsNaN(halfLife))
        {
            return string.Empty;
        }

        return double.IsFinite(halfLife)
            ? $"; at this learning rate the frozen kernel would need about {F(halfLife)} more steps to halve the error energy"
            : "; at this learning rate the frozen kernel will not halve the error energy at all (the rest is in its null space)";
    }

    private static string Since(UnstableEpisode episode, long step) => episode.Since < step ? $" (unstable since step {episode.Since})" : string.Empty;

    private static string Probes(int count) => count == 1 ? "1 probe" : $"{count} probes";

    private static string Percent(double fraction) => $"{F(100.0 * fraction)} %";

    private static string F(double x) => (x == 0.0 ? 0.0 : x).ToString("G3", CultureInfo.InvariantCulture);
}
