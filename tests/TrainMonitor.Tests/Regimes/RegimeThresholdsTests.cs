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
        Assert.Equal(1e-3, t.KernelVelocityThreshold);
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
