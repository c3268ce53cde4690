using TrainMonitor.EnergyBudget;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.JsonLines;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using TrainMonitor.Shells;

namespace TrainMonitor.Cli.Tests;

/// <summary>
/// A run written to a JSON-lines file by the real <see cref="JsonLinesSink"/>: log-spaced probes whose shell profile
/// (a bump that moves to smaller eigenvalues as training resolves the top of the spectrum) and regimes change over time.
/// Every third probe has an undetermined frontier λ_f, so gaps and reasons are exercised; the fit is undetermined there
/// too and, for another reason, at probes 0, 3, 6, 9. Probe 1's certified interval has no upper end (∞). Every probe
/// but the first has an energy budget whose transport fraction is <see cref="TransportFractionAt"/>.
/// </summary>
internal static class SyntheticRun
{
    /// <summary>The fallback reason the first two probes carry.</summary>
    public const string SyntheticFallbackReason = "The Gram path does not apply: layer 'head' (Linear) influences the errors but was never invoked through module.call";

    /// <summary>The regimes of the probes, in order: every regime except <see cref="TrainingRegime.Unstable"/>.</summary>
    public static TrainingRegime RegimeAt(int probe) => probe switch
    {
        < 2 => TrainingRegime.WarmingUp,
        < 5 => TrainingRegime.FeatureLearning,
        < 8 => TrainingRegime.LazyProgressing,
        _ => TrainingRegime.LazyStagnant,
    };

    /// <summary>The step of probe <paramref name="probe"/> (0-based): 10·1.6^k.</summary>
    public static long StepAt(int probe) => (long)Math.Round(10 * Math.Pow(1.6, probe));

    /// <summary>The reason given for the undetermined frontier of a probe (every third one).</summary>
    public static string UndeterminedReason(int probe) => $"synthetic: fit R² 0.{probe}1 below 0.9";

    /// <summary>True when probe <paramref name="probe"/> has no frontier.</summary>
    public static bool IsUndetermined(int probe) => probe % 3 == 2;

    /// <summary>Why the fit is undetermined at probes 0, 3, 6, 9 (where λ_f is determined).</summary>
    public const string FitOnlyReason = "synthetic fit: the profile shows no high-λ cutoff";

    /// <summary>True when the fit of probe <paramref name="probe"/> is undetermined.</summary>
    public static bool IsFitUndetermined(int probe) => IsUndetermined(probe) || probe % 3 == 0;

    /// <summary>Share of the error energy in the outlier shells the fit left out: 5 % at probe 0, 10 % at probe 1, ….</summary>
    public static double OutlierShare(int probe) => 0.05 * (probe + 1);

    /// <summary>Transport fraction of the interval ending at probe <paramref name="probe"/> (≥ 1): 0.6/probe, largest at probe 1.</summary>
    public static double TransportFractionAt(int probe) => 0.6 / probe;

    /// <summary>Kernel velocity at probe <paramref name="probe"/> (≥ 1): 0.01/probe.</summary>
    public static double KernelVelocityAt(int probe) => 0.01 / probe;

    /// <summary>Relative output change since the previous probe at probe <paramref name="probe"/> (≥ 1): 0.5/2^probe, so the function slows down.</summary>
    public static double OutputChangeAt(int probe) => 0.5 / Math.Pow(2, probe);

    /// <summary>The snapshot as a run without a learning rate writes it: no dissipation, no transport.</summary>
    public static ProbeSnapshot WithoutBudget(ProbeSnapshot snapshot) =>
        snapshot with { LearningRate = null, Dissipation = null, Transport = null };

    /// <summary>
    /// A budget over <paramref name="shells"/> whose residuals alternate in sign along the shells (energy carried down
    /// from every other shell) and add up in absolute value to <see cref="TransportFractionAt"/> of the energy.
    /// </summary>
    private static TransportBudget Budget(IReadOnlyList<ShellSnapshot> shells, double energy, int probe)
    {
        var fraction = TransportFractionAt(probe);
        var residuals = shells.Select((s, i) => (i % 2 == 0 ? 1.0 : -1.0) * s.Estimate * fraction).ToArray();
        var transports = new ShellTransport[shells.Count];
        var flux = 0.0;
        for (var i = shells.Count - 1; i >= 0; i--)
        {
            var s = shells[i];
            var r = residuals[i];
            flux += r;
            transports[i] = new ShellTransport(s.Index, s.LambdaLower, s.LambdaUpper, s.Estimate, s.Estimate - r, s.Estimate - r - 1e-6,
                s.Estimate - r + 1e-6, r, r - 1e-6, r + 1e-6, flux, flux - 1e-5, flux + 1e-5);
        }

        return new TransportBudget
        {
            FromStep = StepAt(probe - 1),
            ToStep = StepAt(probe),
            Shells = transports,
            Null = new NullTransport(1e-8, energy * 1e-3, energy * 1e-3, energy * 1e-3, energy * 1e-3, 0, 0, 0),
            MeasuredEnergy = energy,
            PredictedEnergy = energy - residuals.Sum(),
            TransportFraction = fraction,
            TransportFractionLower = 0.5 * fraction,
            TransportFractionUpper = 1.5 * fraction,
            IsExact = false,
        };
    }

    /// <summary>
    /// Rewrites a JSON-lines file as schema version 2 wrote it: the frontier object was the fit itself (without the
    /// outlier keys, which came with version 3) and shells had no occupancy.
    /// </summary>
    public static async Task DowngradeToSchemaVersion2Async(string path)
    {
        var lines = await File.ReadAllLinesAsync(path);
        var downgraded = lines.Where(l => l.Length > 0).Select(line =>
        {
            var root = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
            root["schema_version"] = 2;
            var fit = root["frontier"]!["fit"]!.DeepClone().AsObject();
            fit.Remove("outlier_energy");
            fit.Remove("outlier_shells");
            root["frontier"] = fit;
            foreach (var shell in root["shells"]!.AsArray())
            {
                shell!.AsObject().Remove("occupancy");
            }

            return root.ToJsonString();
        });
        await File.WriteAllLinesAsync(path, downgraded);
    }

    /// <summary>Writes <paramref name="probes"/> snapshots to <paramref name="path"/> and returns them.</summary>
    /// <param name="path">The file.</param>
    /// <param name="run">Run name.</param>
    /// <param name="probes">How many probes.</param>
    /// <param name="shellRatio">Ratio q of the shell grid.</param>
    /// <param name="edit">Changes each snapshot before it is written (a variant of the run).</param>
    public static async Task<IReadOnlyList<ProbeSnapshot>> WriteAsync(string path, string run = "synthetic", int probes = 10, double shellRatio = 2,
        Func<ProbeSnapshot, ProbeSnapshot>? edit = null)
    {
        var snapshots = Enumerable.Range(0, probes).Select(p => Snapshot(run, p, shellRatio)).Select(edit ?? (s => s)).ToArray();
        await using var sink = new JsonLinesSink(path);
        foreach (var snapshot in snapshots)
        {
            await sink.WriteAsync(new ProbeCompleted(snapshot), CancellationToken.None);
        }

        await sink.FlushAsync(CancellationToken.None);
        return snapshots;
    }

    /// <summary>Probe <paramref name="probe"/> of the synthetic run.</summary>
    public static ProbeSnapshot Snapshot(string run, int probe, double shellRatio)
    {
        const double nullFloor = 1e-8;
        var energy = 2.0 / (1 + probe);
        var peak = Math.Pow(10, 0.5 - 0.35 * probe); // the bump moves down one decade every ~3 probes
        var shells = new List<ShellSnapshot>();
        var first = (int)Math.Floor(Math.Log(nullFloor) / Math.Log(shellRatio));
        var last = (int)Math.Ceiling(Math.Log(10) / Math.Log(shellRatio));
        var weights = new List<double>();
        for (var a = first; a < last; a++)
        {
            var centre = Math.Pow(shellRatio, a + 0.5);
            var d = Math.Log10(centre / peak);
            weights.Add(Math.Exp(-d * d));
        }

        var total = weights.Sum();
        for (var a = first; a < last; a++)
        {
            var estimate = energy * weights[a - first] / total;
            var lower = Math.Pow(shellRatio, a);
            shells.Add(new ShellSnapshot(a, lower, lower * shellRatio, estimate, estimate * 0.7, estimate * 1.4 + 1e-5, Occupancy: (a - first) % 5 + 1));
        }

        var undetermined = IsUndetermined(probe);
        var outlierEnergy = OutlierShare(probe) * energy;
        var fit = IsFitUndetermined(probe)
            ? new FrontierFitSnapshot(double.NaN, double.NaN, double.NaN, 0.5, 0, null, undetermined ? UndeterminedReason(probe) : FitOnlyReason, outlierEnergy, 1)
            : new FrontierFitSnapshot(peak / 2.5, 1.5, -1, 0.97, 6, 0, null, outlierEnergy, 1);
        return new ProbeSnapshot
        {
            Run = run,
            Step = StepAt(probe),
            Timestamp = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero).AddSeconds(30 * probe),
            ProbeIndex = probe + 1,
            LearningRate = 0.05,
            TrainingLoss = energy * 1.1,
            ProbeLoss = energy,
            ErrorEnergy = energy,
            NullEnergy = energy * 1e-3,
            NullFloor = nullFloor,
            ShellRatio = shellRatio,
            Shells = shells,
            Frontier = undetermined
                ? new FrontierSnapshot(double.NaN, double.NaN, double.NaN, 0.5, UndeterminedReason(probe), fit)
                : new FrontierSnapshot(peak / 3, peak / 4, probe == 1 ? double.PositiveInfinity : peak / 2, 0.5, null, fit),
            SpectralPosition = peak * 2,
            LambdaMax = 10,
            Assessment = new RegimeAssessment
            {
                Regime = RegimeAt(probe),
                Reason = $"synthetic regime of probe {probe + 1}",
                KernelDistance = probe == 0 ? double.NaN : 0.1 / (probe * probe),
                KernelDistanceFromFirst = probe == 0 ? 0 : 0.1 + 0.01 * probe,
                KernelVelocity = probe == 0 ? double.NaN : KernelVelocityAt(probe),
                OutputChange = probe == 0 ? double.NaN : OutputChangeAt(probe),
            },
            Transport = probe == 0 ? null : Budget(shells, energy, probe),
            ProbeDurationSeconds = 0.5,
            OperatorApplications = 100,
            LanczosSteps = 32,
            // Two batches; the first probes fell back to Lanczos, the later ones were exact.
            ProbeMethods = probe < 2 ? [ProbeMethod.Lanczos, ProbeMethod.Lanczos] : [ProbeMethod.Gram, ProbeMethod.Gram],
            ProbeMethodRequested = ProbeMethod.Auto,
            ProbeFallbackReason = probe < 2 ? SyntheticFallbackReason : null,
            ErrorEntries = 256,
        };
    }
}
