using TrainMonitor.EnergyBudget;
using TrainMonitor.Outputs;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using TrainMonitor.Shells;

namespace TrainMonitor.Tests.JsonLines;

/// <summary>Snapshots that exercise every corner of the wire format, and a field-by-field comparison.</summary>
internal static class SampleSnapshots
{
    private static readonly IReadOnlyList<ShellSnapshot> NoShells = [];

    /// <summary>The run id of <see cref="Complete"/> (a version-7 GUID, as the monitor generates); <see cref="Degenerate"/> has none.</summary>
    public const string RunId = "0195941b-3a6e-7c2d-9f41-6b8e2a0c5d17";

    /// <summary>A determined frontier, every number finite, a learning rate and loss given, non-ASCII in the reasons.</summary>
    public static ProbeSnapshot Complete(long probeIndex = 3, string run = "mnist-mlp") => new()
    {
        Run = run,
        RunId = RunId,
        Step = 400 * probeIndex,
        Timestamp = new DateTimeOffset(2025, 3, 14, 9, 26, 53, TimeSpan.FromHours(1)).AddTicks(5_897_932),
        ProbeIndex = probeIndex,
        LearningRate = 0.05,
        TrainingLoss = 0.31830988618379069,
        ProbeLoss = 0.3456,
        ErrorEnergy = 0.4123456789012345,
        NullEnergy = 1.25e-7,
        NullFloor = 3.0517578125e-10,
        ShellRatio = 2,
        Shells =
        [
            new ShellSnapshot(-8, 0.00390625, 0.0078125, 0.01, 0.0, 0.021, 17),
            new ShellSnapshot(-7, 0.0078125, 0.015625, 0.1 + 0.2, 0.25, 0.3500000000000001, 0),
            new ShellSnapshot(-6, 0.015625, 0.03125, 5e-324, 0, 1.7976931348623157e308),
        ],
        Frontier = new FrontierSnapshot(0.0095, 0.0071, 0.0133, 0.5, null, new FrontierFitSnapshot(0.0123, 0.75, -1.5, 0.987, 9, -7, null, 0.0375, 2)),
        SpectralPosition = 0.0456,
        LambdaMax = 3.14159,
        Assessment = new RegimeAssessment
        {
            Regime = TrainingRegime.FeatureLearning,
            Reason = "tangent kernel moving: velocity 0.21 > 0.03 rad per e-fold of held-out loss; η·λ_max = 0.157",
            KernelDistance = 0.012,
            KernelDistanceFromFirst = 0.3,
            KernelVelocity = 0.21,
            OutputChange = 0.0375,
            FrontierVelocity = 0.93,
            PredictedLossExponent = 0.6975,
            MeasuredLossExponent = 0.71,
            StabilityMargin = 0.157,
        },
        ProbeDurationSeconds = 1.875,
        OperatorApplications = 1_024,
        LanczosSteps = 64,
        ProbeMethods = [ProbeMethod.Lanczos, ProbeMethod.Lanczos],
        ProbeMethodRequested = ProbeMethod.Auto,
        ProbeFallbackReason = "The batch has 1024 examples, more than the Gram path's limit of 512 errors.",
        ErrorEntries = 2_048,
        OverheadRatio = 0.042,
        Dissipation = new DissipationProfile
        {
            LearningRate = 0.05,
            Total = 0.0123,
            NullDissipation = 1e-15,
            Shells =
            [
                new ShellDissipation(-8, 0.00390625, 0.0078125, 2.5e-5, 0.0, 6.5e-5),
                new ShellDissipation(-7, 0.0078125, 0.015625, 3.0e-4, 1.9e-4, 5.4e-4),
            ],
        },
        Transport = new TransportBudget
        {
            FromStep = 400 * probeIndex - 400,
            ToStep = 400 * probeIndex,
            TransportFraction = 0.125,
            TransportFractionLower = 0.0625,
            TransportFractionUpper = 0.375,
            MeasuredEnergy = 0.4123456789012345,
            PredictedEnergy = 0.39,
            IsExact = false,
            Null = new NullTransport(3.0517578125e-10, 1.25e-7, 1.5e-7, 1e-7, 2e-7, -2.5e-8, -7.5e-8, 2.5e-8),
            Shells =
            [
                new ShellTransport(-8, 0.00390625, 0.0078125, 0.01, 0.02, 0.015, 0.025, -0.01, -0.025, 0.006, 0.0224, 0.001, 0.04),
                new ShellTransport(-7, 0.0078125, 0.015625, 0.3, 0.2776, 0.25, 0.3, 0.0224, -0.05, 0.1, 0.0224, -0.05, 0.1),
            ],
        },
    };

    /// <summary>
    /// The awkward one: no learning rate, no training loss, no held-out loss (NaN), an undetermined frontier with a reason,
    /// no shells, NaN and infinite history figures, a lone quote and newline in the reason.
    /// </summary>
    public static ProbeSnapshot Degenerate(long probeIndex = 1) => new()
    {
        Run = "run \"quoted\"\nnext line",
        Step = 1,
        Timestamp = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
        ProbeIndex = probeIndex,
        LearningRate = null,
        TrainingLoss = null,
        ErrorEnergy = 2.5,
        NullEnergy = 0,
        NullFloor = 1e-12,
        ShellRatio = 1.5,
        Shells = NoShells,
        Frontier = new FrontierSnapshot(0.25, 0.25, 0.25, 0.5, null, new FrontierFitSnapshot(double.NaN, double.NaN, double.NaN, double.NaN, 0, null, "profile has fewer than 4 shells")),
        SpectralPosition = double.NaN,
        LambdaMax = double.NaN,
        Assessment = new RegimeAssessment { Regime = TrainingRegime.WarmingUp, Reason = "1 probe of 3 needed" },
        ProbeDurationSeconds = 0.25,
        OperatorApplications = 0,
        LanczosSteps = 64,
        ErrorEntries = 10,
    };

    /// <summary>Shells holding NaN and infinities, infinite losses, a NaN learning rate, infinite history figures.</summary>
    public static ProbeSnapshot NonFinite(long probeIndex = 2) => Complete(probeIndex) with
    {
        LearningRate = double.NaN,
        TrainingLoss = double.PositiveInfinity,
        ProbeLoss = double.PositiveInfinity,
        Shells = [new ShellSnapshot(0, 1, 2, double.NaN, double.NegativeInfinity, double.PositiveInfinity)],
        Frontier = new FrontierSnapshot(0.5, 0.125, double.PositiveInfinity, 0.75, null, new FrontierFitSnapshot(double.NaN, 1.0, double.NegativeInfinity, 0.2, 5, 0, "fit R² 0.20 < 0.90")),
        Assessment = Complete().Assessment with { Regime = TrainingRegime.LazyStagnant, KernelVelocity = double.PositiveInfinity, OutputChange = double.NegativeInfinity },
        OverheadRatio = double.NaN,
    };

    /// <summary>
    /// <see cref="NonFinite"/> as it reads back: every non-finite number was written as null and reads back as NaN, or as
    /// null where the field is nullable.
    /// </summary>
    public static ProbeSnapshot NonFiniteReadBack(long probeIndex = 2) => NonFinite(probeIndex) with
    {
        LearningRate = null,
        TrainingLoss = null,
        ProbeLoss = double.NaN,
        Shells = [new ShellSnapshot(0, 1, 2, double.NaN, double.NaN, double.NaN)],
        Frontier = new FrontierSnapshot(0.5, 0.125, double.PositiveInfinity, 0.75, null, new FrontierFitSnapshot(double.NaN, 1.0, double.NaN, 0.2, 5, 0, "fit R² 0.20 < 0.90")),
        Assessment = Complete().Assessment with { Regime = TrainingRegime.LazyStagnant, KernelVelocity = double.NaN, OutputChange = double.NaN },
    };

    /// <summary>Asserts that two snapshots agree in every field, the shell list element by element, NaN equal to NaN.</summary>
    public static void AssertEqual(ProbeSnapshot expected, ProbeSnapshot actual)
    {
        Assert.Equal(expected.Shells.Count, actual.Shells.Count);
        for (var i = 0; i < expected.Shells.Count; i++)
        {
            Assert.Equal(expected.Shells[i], actual.Shells[i]); // record equality: double.Equals treats NaN as equal to NaN
        }

        Assert.Equal(expected.Frontier, actual.Frontier);
        Assert.Equal(expected.Assessment, actual.Assessment);
        Assert.Equal(expected.Timestamp.Offset, actual.Timestamp.Offset);
        Assert.Equal(expected.Timestamp.Ticks, actual.Timestamp.Ticks);

        Assert.Equal(expected.ProbeMethods, actual.ProbeMethods);
        Assert.Equal(expected.Dissipation?.Shells, actual.Dissipation?.Shells);
        Assert.Equal(expected.Dissipation?.Total, actual.Dissipation?.Total);
        Assert.Equal(expected.Dissipation?.NullDissipation, actual.Dissipation?.NullDissipation);
        Assert.Equal(expected.Dissipation?.LearningRate, actual.Dissipation?.LearningRate);
        Assert.Equal(expected.Transport?.Shells, actual.Transport?.Shells);
        Assert.Equal(expected.Transport is null ? null : expected.Transport with { Shells = [] }, actual.Transport is null ? null : actual.Transport with { Shells = [] });

        // Everything else: record equality once the lists (compared by reference) are the same instances.
        Assert.Equal(expected with { Shells = NoShells, ProbeMethods = [], Dissipation = null, Transport = null },
            actual with { Shells = NoShells, ProbeMethods = [], Dissipation = null, Transport = null });
    }
}
