using TrainMonitor.Regimes;

namespace TrainMonitor.Tests.Regimes;

public sealed class RegimeThresholdsTests
{
    [Fact]
    public void DefaultsAreTheDocumentedOnesAndValid()
    {
        var t = new RegimeThresholds();
        t.Validate();
        Assert.Equal(3, t.MinimumProbes);
        Assert.Equal(4, t.Window);
        Assert.Equal(0.03, t.KernelVelocityThreshold);
        Assert.Equal(1e-3, t.FrozenOutputSpeed);
        Assert.Equal(1e-3, t.FrozenOutputFraction);
        Assert.Equal(1, t.FrozenProbes);
        Assert.Equal(3.0, t.NoiseMultiplier);
        Assert.Equal(8, t.NoiseWindow);
        Assert.Equal(0.5, t.TrainingLossGrowthTolerance);
        Assert.Equal(0.1, t.LearningDrop);
        Assert.Equal(2.0, t.GeneralizationGapFactor);
        Assert.Equal(0.1, t.FrontierStallVelocity);
        Assert.Equal(0.1, t.EnergyStallExponent);
        Assert.Equal(3, t.StagnationProbes);
        Assert.Equal(0.05, t.EnergyGrowthTolerance);
        Assert.Equal(2.0, t.StabilityMarginLimit);
    }

    public static TheoryData<string, Action<RegimeThresholds>> InvalidSettings => new()
    {
        { nameof(RegimeThresholds.MinimumProbes), t => t.MinimumProbes = 0 },
        { nameof(RegimeThresholds.Window), t => t.Window = 1 },
        { nameof(RegimeThresholds.KernelVelocityThreshold), t => t.KernelVelocityThreshold = -0.01 },
        { nameof(RegimeThresholds.KernelVelocityThreshold), t => t.KernelVelocityThreshold = double.NaN },
        { nameof(RegimeThresholds.KernelVelocityThreshold), t => t.KernelVelocityThreshold = double.PositiveInfinity },
        { nameof(RegimeThresholds.FrontierStallVelocity), t => t.FrontierStallVelocity = double.NaN },
        { nameof(RegimeThresholds.EnergyStallExponent), t => t.EnergyStallExponent = double.NegativeInfinity },
        { nameof(RegimeThresholds.StagnationProbes), t => t.StagnationProbes = 0 },
        { nameof(RegimeThresholds.EnergyGrowthTolerance), t => t.EnergyGrowthTolerance = -0.05 },
        { nameof(RegimeThresholds.EnergyGrowthTolerance), t => t.EnergyGrowthTolerance = double.NaN },
        { nameof(RegimeThresholds.StabilityMarginLimit), t => t.StabilityMarginLimit = 0.0 },
        { nameof(RegimeThresholds.StabilityMarginLimit), t => t.StabilityMarginLimit = double.PositiveInfinity },
        { nameof(RegimeThresholds.FrozenOutputSpeed), t => t.FrozenOutputSpeed = -1e-3 },
        { nameof(RegimeThresholds.FrozenOutputFraction), t => t.FrozenOutputFraction = 1.0 },
        { nameof(RegimeThresholds.FrozenProbes), t => t.FrozenProbes = 0 },
        { nameof(RegimeThresholds.NoiseMultiplier), t => t.NoiseMultiplier = double.NaN },
        { nameof(RegimeThresholds.NoiseWindow), t => t.NoiseWindow = 1 },
        { nameof(RegimeThresholds.TrainingLossGrowthTolerance), t => t.TrainingLossGrowthTolerance = double.PositiveInfinity },
        { nameof(RegimeThresholds.LearningDrop), t => t.LearningDrop = 1.0 },
        { nameof(RegimeThresholds.GeneralizationGapFactor), t => t.GeneralizationGapFactor = 1.0 },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void InvalidSettingIsNamedByValidateAndByTheTracker(string name, Action<RegimeThresholds> spoil)
    {
        var t = new RegimeThresholds();
        spoil(t);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(t.Validate);
        Assert.Equal(name, ex.ParamName);
        Assert.Contains($"{nameof(RegimeThresholds)}.{name}", ex.Message);

        var fromTracker = Assert.Throws<ArgumentOutOfRangeException>(() => new RegimeTracker(t));
        Assert.Equal(name, fromTracker.ParamName);
    }

    [Fact]
    public void BoundaryValuesAreAccepted()
    {
        new RegimeThresholds
        {
            MinimumProbes = 1,
            Window = 2,
            KernelVelocityThreshold = 0.0,
            FrontierStallVelocity = 0.0,
            EnergyStallExponent = -1.0,
            StagnationProbes = 1,
            EnergyGrowthTolerance = 0.0,
            StabilityMarginLimit = 1e-9,
            FrozenOutputSpeed = 0.0,
            FrozenOutputFraction = 1e-9,
            FrozenProbes = 1,
            NoiseMultiplier = 0.0,
            NoiseWindow = 2,
            TrainingLossGrowthTolerance = 0.0,
            LearningDrop = 0.0,
            GeneralizationGapFactor = 1.000001,
        }.Validate();
    }

    [Fact]
    public void TrackerKeepsItsOwnCopyOfTheThresholds()
    {
        var t = new RegimeThresholds { MinimumProbes = 2 };
        var tracker = new RegimeTracker(t);
        t.MinimumProbes = 100;

        tracker.Observe(RegimeHistories.Lazy(10, null));
        var second = tracker.Observe(RegimeHistories.Lazy(20, null));

        Assert.Equal(TrainingRegime.LazyProgressing, second.Regime);
    }
}
