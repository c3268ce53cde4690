using System.Reflection;
using TrainMonitor.Frontier;
using TrainMonitor.Operators;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using TrainMonitor.Scheduling;
using TrainMonitor.Session;
using TrainMonitor.Tests.Operators;

namespace TrainMonitor.Tests.Session;

/// <summary>
/// Issue 12 (options): every setting of <see cref="MonitorOptions"/>, nested ones included, is rejected at start — by
/// <see cref="MonitorOptions.Validate"/> and by <see cref="TrainingMonitor.Attach"/> — naming the setting, never at the
/// first probe as a counted failure; and a monitor does not see changes made to its options after it was attached.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class OptionsAtStartTests
{
    /// <summary>Settings for which every value of their type is valid (nothing to reject).</summary>
    private static readonly string[] AnyValueIsValid = ["Enabled", "Schedule.FinalProbe", "Probe.SketchSeed", "Probe.Frontier.IntegrateOverShell", "Regime.UseTransport"];

    /// <summary>One bad value per case: the setting's path (as in configuration, with dots) and how to spoil it.</summary>
    public static readonly (string Path, string Shown, Action<MonitorOptions> Spoil)[] Cases =
    [
        ("RunName", "\"\"", o => o.RunName = ""),
        ("RunName", "\" \"", o => o.RunName = " "),
        ("RunName", "null", o => o.RunName = null!),
        ("Mode", "7", o => o.Mode = (ExecutionMode)7),
        ("HistoryLimit", "0", o => o.HistoryLimit = 0),
        ("HistoryLimit", "-1", o => o.HistoryLimit = -1),
        ("MaxProbeExamples", "-1", o => o.MaxProbeExamples = -1),
        ("BackgroundProbeThreads", "-1", o => o.BackgroundProbeThreads = -1),
        ("Schedule", "null", o => o.Schedule = null!),
        ("Schedule.Kind", "9", o => o.Schedule.Kind = (ScheduleKind)9),
        ("Schedule.ProbeInterval", "0", o => o.Schedule.ProbeInterval = 0),
        ("Schedule.ProbeInterval", "-5", o => o.Schedule.ProbeInterval = -5),
        ("Schedule.FirstProbeStep", "0", o => o.Schedule.FirstProbeStep = 0),
        ("Schedule.LogSpacingFactor", "1", o => o.Schedule.LogSpacingFactor = 1),
        ("Schedule.LogSpacingFactor", "0.5", o => o.Schedule.LogSpacingFactor = 0.5),
        ("Schedule.LogSpacingFactor", "NaN", o => o.Schedule.LogSpacingFactor = double.NaN),
        ("Schedule.LogSpacingFactor", "∞", o => o.Schedule.LogSpacingFactor = double.PositiveInfinity),
        ("Schedule.OverheadBudget", "-0.1", o => o.Schedule.OverheadBudget = -0.1),
        ("Schedule.BudgetHorizonSteps", "-1", o => o.Schedule.BudgetHorizonSteps = -1),
        ("Schedule.OverheadBudget", "1", o => o.Schedule.OverheadBudget = 1),
        ("Schedule.OverheadBudget", "NaN", o => o.Schedule.OverheadBudget = double.NaN),
        ("Probe", "null", o => o.Probe = null!),
        ("Probe.LanczosSteps", "1", o => o.Probe.LanczosSteps = 1),
        ("Probe.LanczosSteps", "-1", o => o.Probe.LanczosSteps = -1),
        ("Probe.BreakdownTolerance", "-1e-3", o => o.Probe.BreakdownTolerance = -1e-3),
        ("Probe.BreakdownTolerance", "1", o => o.Probe.BreakdownTolerance = 1),
        ("Probe.BreakdownTolerance", "NaN", o => o.Probe.BreakdownTolerance = double.NaN),
        ("Probe.ShellRatio", "1", o => o.Probe.ShellRatio = 1),
        ("Probe.ShellRatio", "NaN", o => o.Probe.ShellRatio = double.NaN),
        ("Probe.ShellRatio", "∞", o => o.Probe.ShellRatio = double.PositiveInfinity),
        ("Probe.NullFloorFraction", "-0.1", o => o.Probe.NullFloorFraction = -0.1),
        ("Probe.NullFloorFraction", "1", o => o.Probe.NullFloorFraction = 1),
        ("Probe.NullFloorFraction", "NaN", o => o.Probe.NullFloorFraction = double.NaN),
        ("Probe.NullFloorAbsolute", "0", o => o.Probe.NullFloorAbsolute = 0),
        ("Probe.NullFloorAbsolute", "-1", o => o.Probe.NullFloorAbsolute = -1),
        ("Probe.NullFloorAbsolute", "NaN", o => o.Probe.NullFloorAbsolute = double.NaN),
        ("Probe.NullFloorAbsolute", "∞", o => o.Probe.NullFloorAbsolute = double.PositiveInfinity),
        ("Probe.SketchVectors", "-1", o => o.Probe.SketchVectors = -1),
        ("Probe.JvpMethod", "9", o => o.Probe.JvpMethod = (JvpMethod)9),
        ("Probe.Method", "9", o => o.Probe.Method = (ProbeMethod)9),
        ("Probe.ExactMaxBatchSize", "0", o => o.Probe.ExactMaxBatchSize = 0),
        ("Probe.GramMaxBatchSize", "0", o => o.Probe.GramMaxBatchSize = 0),
        ("Probe.FrontierEnergyFraction", "0", o => o.Probe.FrontierEnergyFraction = 0),
        ("Probe.FrontierEnergyFraction", "1", o => o.Probe.FrontierEnergyFraction = 1),
        ("Probe.FrontierEnergyFraction", "NaN", o => o.Probe.FrontierEnergyFraction = double.NaN),
        ("Probe.Frontier", "null", o => o.Probe.Frontier = null!),
        ("Probe.Frontier.MinimumShells", "3", o => o.Probe.Frontier.MinimumShells = 3),
        ("Probe.Frontier.MinimumR2", "-0.1", o => o.Probe.Frontier.MinimumR2 = -0.1),
        ("Probe.Frontier.MinimumR2", "1.1", o => o.Probe.Frontier.MinimumR2 = 1.1),
        ("Probe.Frontier.MinimumR2", "NaN", o => o.Probe.Frontier.MinimumR2 = double.NaN),
        ("Probe.Frontier.UnimodalityTolerance", "0.5", o => o.Probe.Frontier.UnimodalityTolerance = 0.5),
        ("Probe.Frontier.UnimodalityTolerance", "NaN", o => o.Probe.Frontier.UnimodalityTolerance = double.NaN),
        ("Probe.Frontier.BandMargin", "-1", o => o.Probe.Frontier.BandMargin = -1),
        ("Probe.Frontier.BandMargin", "NaN", o => o.Probe.Frontier.BandMargin = double.NaN),
        ("Probe.Frontier.BandMargin", "∞", o => o.Probe.Frontier.BandMargin = double.PositiveInfinity),
        ("Probe.Frontier.DynamicRange", "-0.1", o => o.Probe.Frontier.DynamicRange = -0.1),
        ("Probe.Frontier.DynamicRange", "1.1", o => o.Probe.Frontier.DynamicRange = 1.1),
        ("Probe.Frontier.DynamicRange", "NaN", o => o.Probe.Frontier.DynamicRange = double.NaN),
        ("Probe.Frontier.MinimumOccupancy", "-1", o => o.Probe.Frontier.MinimumOccupancy = -1),
        ("Probe.Frontier.MinimumOccupancy", "NaN", o => o.Probe.Frontier.MinimumOccupancy = double.NaN),
        ("Probe.Frontier.MinimumOccupancy", "∞", o => o.Probe.Frontier.MinimumOccupancy = double.PositiveInfinity),
        ("Regime", "null", o => o.Regime = null!),
        ("Regime.MinimumProbes", "0", o => o.Regime.MinimumProbes = 0),
        ("Regime.Window", "1", o => o.Regime.Window = 1),
        ("Regime.MinimumLogSpacing", "-1", o => o.Regime.MinimumLogSpacing = -1),
        ("Regime.MinimumLogSpacing", "NaN", o => o.Regime.MinimumLogSpacing = double.NaN),
        ("Regime.MinimumLogSpacing", "∞", o => o.Regime.MinimumLogSpacing = double.PositiveInfinity),
        ("Regime.KernelVelocityThreshold", "-1", o => o.Regime.KernelVelocityThreshold = -1),
        ("Regime.KernelVelocityThreshold", "NaN", o => o.Regime.KernelVelocityThreshold = double.NaN),
        ("Regime.KernelVelocityThreshold", "∞", o => o.Regime.KernelVelocityThreshold = double.PositiveInfinity),
        ("Regime.TransportThreshold", "-1", o => o.Regime.TransportThreshold = -1),
        ("Regime.TransportThreshold", "NaN", o => o.Regime.TransportThreshold = double.NaN),
        ("Regime.TransportThreshold", "∞", o => o.Regime.TransportThreshold = double.PositiveInfinity),
        ("Regime.FrontierStallVelocity", "NaN", o => o.Regime.FrontierStallVelocity = double.NaN),
        ("Regime.FrontierStallVelocity", "∞", o => o.Regime.FrontierStallVelocity = double.PositiveInfinity),
        ("Regime.EnergyStallExponent", "NaN", o => o.Regime.EnergyStallExponent = double.NaN),
        ("Regime.EnergyStallExponent", "-∞", o => o.Regime.EnergyStallExponent = double.NegativeInfinity),
        ("Regime.StagnationProbes", "0", o => o.Regime.StagnationProbes = 0),
        ("Regime.EnergyGrowthTolerance", "-0.1", o => o.Regime.EnergyGrowthTolerance = -0.1),
        ("Regime.EnergyGrowthTolerance", "NaN", o => o.Regime.EnergyGrowthTolerance = double.NaN),
        ("Regime.EnergyGrowthTolerance", "∞", o => o.Regime.EnergyGrowthTolerance = double.PositiveInfinity),
        ("Regime.StabilityMarginLimit", "0", o => o.Regime.StabilityMarginLimit = 0),
        ("Regime.StabilityMarginLimit", "NaN", o => o.Regime.StabilityMarginLimit = double.NaN),
        ("Regime.StabilityMarginLimit", "∞", o => o.Regime.StabilityMarginLimit = double.PositiveInfinity),
        ("Regime.FrozenOutputSpeed", "-1", o => o.Regime.FrozenOutputSpeed = -1),
        ("Regime.FrozenOutputSpeed", "NaN", o => o.Regime.FrozenOutputSpeed = double.NaN),
        ("Regime.FrozenOutputFraction", "0", o => o.Regime.FrozenOutputFraction = 0),
        ("Regime.FrozenOutputFraction", "1", o => o.Regime.FrozenOutputFraction = 1),
        ("Regime.FrozenProbes", "0", o => o.Regime.FrozenProbes = 0),
        ("Regime.NoiseMultiplier", "-1", o => o.Regime.NoiseMultiplier = -1),
        ("Regime.NoiseMultiplier", "∞", o => o.Regime.NoiseMultiplier = double.PositiveInfinity),
        ("Regime.NoiseWindow", "1", o => o.Regime.NoiseWindow = 1),
        ("Regime.TrainingLossGrowthTolerance", "-0.5", o => o.Regime.TrainingLossGrowthTolerance = -0.5),
        ("Regime.TrainingLossGrowthTolerance", "NaN", o => o.Regime.TrainingLossGrowthTolerance = double.NaN),
        ("Regime.GeneralizationGapFactor", "1", o => o.Regime.GeneralizationGapFactor = 1),
        ("Regime.GeneralizationGapFactor", "NaN", o => o.Regime.GeneralizationGapFactor = double.NaN),
        ("Regime.GeneralizationGapFactor", "∞", o => o.Regime.GeneralizationGapFactor = double.PositiveInfinity),
        ("Regime.LearningDrop", "1", o => o.Regime.LearningDrop = 1),
        ("Regime.LearningDrop", "-0.1", o => o.Regime.LearningDrop = -0.1),
    ];

    public static TheoryData<string, string> BadValues()
    {
        var data = new TheoryData<string, string>();
        foreach (var (path, shown, _) in Cases)
        {
            data.Add(path, shown);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void EveryBadValueIsRejectedAtStartNamingTheSetting(string path, string shown)
    {
        var options = Spoilt(path, shown);
        var setting = path.Split('.')[^1];

        var validated = Assert.ThrowsAny<ArgumentException>(options.Validate);
        Assert.Contains(setting, validated.Message, StringComparison.Ordinal);

        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe();
        var attached = Assert.ThrowsAny<ArgumentException>(() => TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError, options));
        Assert.Equal(validated.ParamName, attached.ParamName);
        Assert.Contains(setting, attached.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EverySettableOptionHasABadValueCase()
    {
        var covered = Cases.Select(c => c.Path).Concat(AnyValueIsValid).ToHashSet(StringComparer.Ordinal);
        var missing = SettablePaths(typeof(MonitorOptions), prefix: "").Where(p => !covered.Contains(p)).ToArray();
        Assert.True(missing.Length == 0, $"Options without a bad-value case (add one, or to {nameof(AnyValueIsValid)}): {string.Join(", ", missing)}");
    }

    /// <summary>
    /// The options are read once, at attach: a setting changed afterwards (here to a value that the floor itself
    /// rejects) does not reach the probes, which would otherwise fail one by one as counted failures.
    /// </summary>
    [Fact]
    public async Task ChangesAfterAttachDoNotReachTheProbes()
    {
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe();
        var options = SessionFixtures.EveryN(1);
        await using var monitor = TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError, options);

        options.Probe.NullFloorAbsolute = 0;
        options.Probe.Frontier.MinimumShells = 1;
        options.Regime.Window = 0;
        options.Schedule.ProbeInterval = 0;
        monitor.OnStep(1);
        monitor.OnStep(2);
        await monitor.FlushAsync();

        Assert.Equal(0, monitor.Status.ProbeFailuresTotal);
        Assert.Equal(2, monitor.Status.ProbesTotal);
    }

    [Fact]
    public void TheAutogradOperatorsDefaultCannotBeChangedUnderEveryone()
    {
        AutogradOperatorOptions.Default.JvpMethod = JvpMethod.FiniteDifference;
        AutogradOperatorOptions.Default.FiniteDifferenceStepScale = 0;

        Assert.Equal(JvpMethod.DoubleBackward, AutogradOperatorOptions.Default.JvpMethod);
        Assert.Equal(1.0, AutogradOperatorOptions.Default.FiniteDifferenceStepScale);
        Assert.NotSame(AutogradOperatorOptions.Default, AutogradOperatorOptions.Default);
    }

    private static MonitorOptions Spoilt(string path, string shown)
    {
        var options = new MonitorOptions();
        options.Validate();
        Cases.Single(c => c.Path == path && c.Shown == shown).Spoil(options);
        return options;
    }

    private static IEnumerable<string> SettablePaths(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
        {
            var path = prefix + property.Name;
            yield return path;
            if (property.PropertyType.IsClass && property.PropertyType != typeof(string))
            {
                foreach (var nested in SettablePaths(property.PropertyType, path + "."))
                {
                    yield return nested;
                }
            }
        }
    }
}
