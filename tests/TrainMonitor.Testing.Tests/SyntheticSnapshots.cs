using TrainMonitor.Outputs;
using TrainMonitor.Regimes;
using TrainMonitor.Shells;

namespace TrainMonitor.Testing.Tests;

/// <summary>
/// Snapshots with chosen figures, so the assertion logic is tested on exactly known runs, independently of the frontier
/// fit and regime thresholds (which are tuned elsewhere).
/// </summary>
internal static class SyntheticSnapshots
{
    public const string UndeterminedReason = "profile is not unimodal";

    /// <summary>Two shells: [1, 2) with 75 % of the energy and [1/8, 1/4) with 25 %.</summary>
    public static IReadOnlyList<ShellSnapshot> DefaultShells(double energy) =>
    [
        new ShellSnapshot(-3, 0.125, 0.25, 0.25 * energy, 0.2 * energy, 0.3 * energy),
        new ShellSnapshot(0, 1, 2, 0.75 * energy, 0.7 * energy, 0.8 * energy),
    ];

    public static ProbeSnapshot Snapshot(long step, double energy, double frontier = double.NaN,
        TrainingRegime regime = TrainingRegime.LazyProgressing, string reason = "synthetic", IReadOnlyList<ShellSnapshot>? shells = null,
        long probeIndex = 0, string? frontierReason = null, (double Lower, double Upper)? interval = null)
    {
        var determined = double.IsFinite(frontier);
        // Exact spectra by default: the certified interval is the point λ_f.
        var (lower, upper) = interval ?? (frontier, frontier);
        return new ProbeSnapshot
        {
            Run = "synthetic",
            Step = step,
            Timestamp = DateTimeOffset.UnixEpoch,
            ProbeIndex = probeIndex,
            ErrorEnergy = energy,
            NullEnergy = 0,
            NullFloor = 1e-10,
            ShellRatio = 2,
            Shells = shells ?? DefaultShells(energy),
            Frontier = determined
                ? new FrontierSnapshot(frontier, lower, upper, 0.5, null, new FrontierFitSnapshot(frontier, -0.5, 0, 0.95, 5, 0, null))
                : new FrontierSnapshot(double.NaN, double.NaN, double.NaN, 0.5, frontierReason ?? UndeterminedReason,
                    new FrontierFitSnapshot(double.NaN, double.NaN, double.NaN, double.NaN, 0, null, frontierReason ?? UndeterminedReason)),
            SpectralPosition = 1,
            LambdaMax = 2,
            Assessment = new RegimeAssessment { Regime = regime, Reason = reason },
            ProbeDurationSeconds = 0.01,
            OperatorApplications = 10,
            LanczosSteps = 8,
            ErrorEntries = 100,
        };
    }

    /// <summary>
    /// A run with probes at the given steps, frontiers and regimes (LazyProgressing when null); certified intervals are
    /// the point λ_f unless <paramref name="interval"/> gives them.
    /// </summary>
    public static MonitoredRun Run(long[] steps, Func<long, double> energy, Func<long, double>? frontier = null,
        Func<long, TrainingRegime>? regime = null, IEnumerable<ProbeFailed>? failures = null, Func<long, (double Lower, double Upper)>? interval = null)
    {
        var snapshots = steps.Select((s, i) => Snapshot(s, energy(s), frontier?.Invoke(s) ?? double.NaN,
            regime?.Invoke(s) ?? TrainingRegime.LazyProgressing, $"regime reason at step {s}", probeIndex: i + 1, interval: interval?.Invoke(s)));
        return MonitoredRun.FromSnapshots(snapshots, failures,
            new RunArtifacts("/artifacts/synthetic", "/artifacts/synthetic/synthetic.jsonl", null, null, null, null));
    }

    public static readonly long[] Doubling = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
}
