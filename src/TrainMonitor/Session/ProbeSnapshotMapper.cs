using TrainMonitor.EnergyBudget;
using TrainMonitor.Outputs;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;

namespace TrainMonitor.Session;

/// <summary>Maps the result of a probe to the snapshot the history keeps and the sinks receive.</summary>
/// <param name="run">The run name.</param>
/// <param name="runId">The session's run id (<see cref="RunLedger.RunId"/>).</param>
/// <param name="probeOptions">The probe settings the snapshot records.</param>
internal sealed class ProbeSnapshotMapper(string run, string runId, SpectralProbeOptions probeOptions)
{

    /// <summary>
    /// The snapshot of a probe completed at <paramref name="step"/>, timestamped now: built once, whole. Its number and the
    /// overhead so far are <see cref="RunLedger.Record"/>'s, which calls the function this returns under its lock, together
    /// with the counts they belong to.
    /// </summary>
    public Func<long, double, ProbeSnapshot> Map(long step, double? learningRate, double? loss, SpectralProbeResult result, RegimeAssessment assessment,
        long elapsedTicks, DissipationProfile? dissipation, TransportBudget? transport)
    {
        var frontier = result.Frontier;
        var quantile = result.QuantileFrontier;
        var profile = result.Profile;
        var shells = profile.Shells.Select(s => new ShellSnapshot(s.Index, s.LambdaLower, s.LambdaUpper, s.Estimate, s.Lower, s.Upper, s.Occupancy)).ToArray();
        var fit = new FrontierFitSnapshot(frontier.Lambda, frontier.TailExponent, frontier.Amplitude, frontier.R2, frontier.ShellsUsed,
            frontier.PeakShellIndex, frontier.Reason, frontier.OutlierEnergy, frontier.OutlierShells);
        var frontierSnapshot = new FrontierSnapshot(quantile.Lambda, quantile.Lower, quantile.Upper, quantile.EnergyFraction, quantile.Reason, fit);
        var timestamp = DateTimeOffset.UtcNow;
        return (probeIndex, overheadRatio) => new ProbeSnapshot
        {
            Run = run,
            RunId = runId,
            Step = step,
            Timestamp = timestamp,
            ProbeIndex = probeIndex,
            OverheadRatio = overheadRatio,
            Dissipation = dissipation,
            Transport = transport,
            LearningRate = learningRate,
            TrainingLoss = loss,
            ProbeLoss = result.ProbeLoss,
            ErrorEnergy = result.ErrorEnergy,
            NullEnergy = profile.NullEnergy.Estimate,
            NullFloor = profile.NullEnergy.Floor,
            ShellRatio = profile.Grid.Ratio,
            Shells = Array.AsReadOnly(shells),
            Frontier = frontierSnapshot,
            SpectralPosition = result.SpectralPosition,
            LambdaMax = result.LambdaMax,
            Assessment = assessment,
            ProbeDurationSeconds = SessionClock.Seconds(elapsedTicks),
            OperatorApplications = result.OperatorApplications,
            LanczosSteps = probeOptions.LanczosSteps,
            ProbeMethods = result.Methods,
            ProbeMethodRequested = probeOptions.Method,
            ProbeFallbackReason = result.GramUnavailableReason,
            ErrorEntries = result.ErrorEntries,
        };
    }
}
