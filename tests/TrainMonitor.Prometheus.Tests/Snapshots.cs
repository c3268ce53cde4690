using TrainMonitor.EnergyBudget;
using TrainMonitor.Outputs;
using TrainMonitor.Regimes;
using TrainMonitor.Shells;

namespace TrainMonitor.Prometheus.Tests;

/// <summary>Hand-built probe snapshots with distinct, recognisable values.</summary>
internal static class Snapshots
{
    /// <summary>
    /// Shells <paramref name="first"/>..<paramref name="first"/>+<paramref name="count"/>−1 on the absolute grid qᵅ (q = 4, the
    /// ratio of <see cref="Probe"/>), as a probe reports them: the lowest starts at the null floor <paramref name="floor"/> when
    /// one is given (it lies inside that shell). Shell α holds 2α+3 nodes (or no recorded occupancy when
    /// <paramref name="occupancy"/> is false).
    /// </summary>
    public static IReadOnlyList<ShellSnapshot> Shells(int first, int count, double scale = 1, bool occupancy = true, double? floor = null)
    {
        const double ratio = 4;
        var shells = new List<ShellSnapshot>();
        for (var a = first; a < first + count; a++)
        {
            var lower = a == first && floor is { } f ? f : Math.Pow(ratio, a);
            var estimate = scale * (0.01 + 0.001 * a);
            shells.Add(new ShellSnapshot(a, lower, Math.Pow(ratio, a + 1), estimate, estimate * 0.5, estimate * 1.5, occupancy ? 2 * a + 3 : null));
        }

        return shells;
    }

    public static ProbeSnapshot Probe(
        string run = "run-a",
        long step = 100,
        long probeIndex = 1,
        TrainingRegime regime = TrainingRegime.FeatureLearning,
        IReadOnlyList<ShellSnapshot>? shells = null,
        double errorEnergy = 0.4375,
        double stabilityMargin = 0.8125,
        double durationSeconds = 1.5) => new()
    {
        Run = run,
        Step = step,
        Timestamp = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
        ProbeIndex = probeIndex,
        LearningRate = 0.01,
        TrainingLoss = 0.5,
        ProbeLoss = 0.21875,
        ErrorEnergy = errorEnergy,
        NullEnergy = 0.0625,
        NullFloor = 1e-6,
        ShellRatio = 4,
        Shells = shells ?? Shells(0, 5),
        Frontier = new FrontierSnapshot(Lambda: 0.00390625, LambdaLower: 0.001953125, LambdaUpper: 0.0078125, EnergyFraction: 0.5, Reason: null,
            Fit: new FrontierFitSnapshot(Lambda: 0.0048828125, TailExponent: 1.25, Amplitude: 0.3, R2: 0.96875, ShellsUsed: 4, PeakShell: 2, Reason: null, OutlierEnergy: 0.03125, OutlierShells: 1)),
        SpectralPosition = 12.5,
        LambdaMax = 81.25,
        Assessment = new RegimeAssessment
        {
            Regime = regime,
            Reason = "hand-built",
            KernelDistance = 0.03125,
            KernelDistanceFromFirst = 0.25,
            KernelVelocity = 0.046875,
            OutputChange = 0.0078125,
            FrontierVelocity = 0.875,
            PredictedLossExponent = 1.09375,
            MeasuredLossExponent = 1.015625,
            StabilityMargin = stabilityMargin,
        },
        ProbeDurationSeconds = durationSeconds,
        OperatorApplications = 640,
        LanczosSteps = 64,
        ErrorEntries = 512,
        OverheadRatio = 0.125,
    };

    /// <summary><paramref name="snapshot"/> with an energy budget on its shells: dissipation and transport with distinct, exact values.</summary>
    public static ProbeSnapshot WithBudget(ProbeSnapshot snapshot) => snapshot with
    {
        Dissipation = new DissipationProfile
        {
            LearningRate = 0.01,
            Total = 0.125,
            NullDissipation = 0,
            Shells = [.. snapshot.Shells.Select((x, i) => new ShellDissipation(x.Index, x.LambdaLower, x.LambdaUpper, 0.0625 * (i + 1), 0.03125 * (i + 1), 0.125 * (i + 1)))],
        },
        Transport = new TransportBudget
        {
            FromStep = snapshot.Step - 50,
            ToStep = snapshot.Step,
            TransportFraction = 0.375,
            TransportFractionLower = 0.25,
            TransportFractionUpper = 0.5,
            MeasuredEnergy = snapshot.ErrorEnergy,
            PredictedEnergy = snapshot.ErrorEnergy,
            IsExact = false,
            Null = new NullTransport(snapshot.NullFloor, 0, 0, 0, 0, 0, 0, 0),
            Shells = [.. snapshot.Shells.Select((x, i) => new ShellTransport(x.Index, x.LambdaLower, x.LambdaUpper, x.Estimate, x.Estimate, x.Estimate, x.Estimate,
                0, 0, 0, -0.5 * (i + 1), -0.75 * (i + 1), -0.25 * (i + 1)))],
        },
    };
}
