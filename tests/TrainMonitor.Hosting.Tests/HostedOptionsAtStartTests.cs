using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Prometheus;
using TrainMonitor.Session;

namespace TrainMonitor.Hosting.Tests;

/// <summary>
/// Issue 12 (options), the hosted path: every setting of the monitor's section, given a bad value through configuration,
/// fails the host at start (<see cref="OptionsValidationException"/>) naming its key — the same rules as
/// <see cref="MonitorOptions.Validate"/>, which the non-hosted path runs at attach.
/// </summary>
public sealed class HostedOptionsAtStartTests : IDisposable
{
    /// <summary>Keys for which every value of their type is valid (nothing to reject).</summary>
    private static readonly string[] AnyValueIsValid = ["Enabled", "Schedule:FinalProbe", "Probe:SketchSeed", "Probe:Frontier:IntegrateOverShell", "Regime:UseTransport"];

    private readonly string _directory = Directory.CreateTempSubdirectory("trainmonitor-options-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string, string> BadValues => new()
    {
        { "RunName", " " },
        { "Mode", "7" },
        { "HistoryLimit", "0" },
        { "HistoryLimit", "-1" },
        { "MaxProbeExamples", "-1" },
        { "BackgroundProbeThreads", "-1" },
        { "Schedule:Kind", "9" },
        { "Schedule:ProbeInterval", "0" },
        { "Schedule:ProbeInterval", "-5" },
        { "Schedule:FirstProbeStep", "0" },
        { "Schedule:LogSpacingFactor", "1" },
        { "Schedule:LogSpacingFactor", "NaN" },
        { "Schedule:LogSpacingFactor", "Infinity" },
        { "Schedule:OverheadBudget", "-0.1" },
        { "Schedule:BudgetHorizonSteps", "-1" },
        { "Schedule:OverheadBudget", "1" },
        { "Schedule:OverheadBudget", "NaN" },
        { "Probe:LanczosSteps", "1" },
        { "Probe:LanczosSteps", "-1" },
        { "Probe:BreakdownTolerance", "-1e-3" },
        { "Probe:BreakdownTolerance", "1" },
        { "Probe:BreakdownTolerance", "NaN" },
        { "Probe:ShellRatio", "1" },
        { "Probe:ShellRatio", "NaN" },
        { "Probe:ShellRatio", "Infinity" },
        { "Probe:NullFloorFraction", "-0.1" },
        { "Probe:NullFloorFraction", "1" },
        { "Probe:NullFloorFraction", "NaN" },
        { "Probe:NullFloorAbsolute", "0" },
        { "Probe:NullFloorAbsolute", "-1" },
        { "Probe:NullFloorAbsolute", "NaN" },
        { "Probe:NullFloorAbsolute", "Infinity" },
        { "Probe:SketchVectors", "-1" },
        { "Probe:JvpMethod", "9" },
        { "Probe:Method", "9" },
        { "Probe:ExactMaxBatchSize", "0" },
        { "Probe:GramMaxBatchSize", "0" },
        { "Probe:FrontierEnergyFraction", "0" },
        { "Probe:FrontierEnergyFraction", "1" },
        { "Probe:FrontierEnergyFraction", "NaN" },
        { "Probe:Frontier:MinimumShells", "3" },
        { "Probe:Frontier:MinimumR2", "-0.1" },
        { "Probe:Frontier:MinimumR2", "1.1" },
        { "Probe:Frontier:MinimumR2", "NaN" },
        { "Probe:Frontier:UnimodalityTolerance", "0.5" },
        { "Probe:Frontier:UnimodalityTolerance", "NaN" },
        { "Probe:Frontier:BandMargin", "-1" },
        { "Probe:Frontier:BandMargin", "NaN" },
        { "Probe:Frontier:BandMargin", "Infinity" },
        { "Probe:Frontier:DynamicRange", "-0.1" },
        { "Probe:Frontier:DynamicRange", "1.1" },
        { "Probe:Frontier:DynamicRange", "NaN" },
        { "Probe:Frontier:MinimumOccupancy", "-1" },
        { "Probe:Frontier:MinimumOccupancy", "NaN" },
        { "Probe:Frontier:MinimumOccupancy", "Infinity" },
        { "Regime:MinimumProbes", "0" },
        { "Regime:Window", "1" },
        { "Regime:MinimumLogSpacing", "-1" },
        { "Regime:MinimumLogSpacing", "NaN" },
        { "Regime:MinimumLogSpacing", "Infinity" },
        { "Regime:KernelVelocityThreshold", "-1" },
        { "Regime:KernelVelocityThreshold", "NaN" },
        { "Regime:KernelVelocityThreshold", "Infinity" },
        { "Regime:FrozenOutputSpeed", "-1" },
        { "Regime:FrozenOutputSpeed", "NaN" },
        { "Regime:FrozenOutputSpeed", "Infinity" },
        { "Regime:FrozenOutputFraction", "0" },
        { "Regime:FrozenOutputFraction", "1" },
        { "Regime:FrozenOutputFraction", "NaN" },
        { "Regime:FrozenProbes", "0" },
        { "Regime:NoiseMultiplier", "-1" },
        { "Regime:NoiseMultiplier", "NaN" },
        { "Regime:NoiseMultiplier", "Infinity" },
        { "Regime:NoiseWindow", "1" },
        { "Regime:TrainingLossGrowthTolerance", "-0.1" },
        { "Regime:TrainingLossGrowthTolerance", "NaN" },
        { "Regime:TrainingLossGrowthTolerance", "Infinity" },
        { "Regime:GeneralizationGapFactor", "1" },
        { "Regime:GeneralizationGapFactor", "0.5" },
        { "Regime:GeneralizationGapFactor", "NaN" },
        { "Regime:GeneralizationGapFactor", "Infinity" },
        { "Regime:LearningDrop", "-0.1" },
        { "Regime:LearningDrop", "1" },
        { "Regime:LearningDrop", "NaN" },
        { "Regime:TransportThreshold", "-1" },
        { "Regime:TransportThreshold", "NaN" },
        { "Regime:TransportThreshold", "Infinity" },
        { "Regime:FrontierStallVelocity", "NaN" },
        { "Regime:FrontierStallVelocity", "Infinity" },
        { "Regime:EnergyStallExponent", "NaN" },
        { "Regime:EnergyStallExponent", "-Infinity" },
        { "Regime:StagnationProbes", "0" },
        { "Regime:EnergyGrowthTolerance", "-0.1" },
        { "Regime:EnergyGrowthTolerance", "NaN" },
        { "Regime:EnergyGrowthTolerance", "Infinity" },
        { "Regime:StabilityMarginLimit", "0" },
        { "Regime:StabilityMarginLimit", "NaN" },
        { "Regime:StabilityMarginLimit", "Infinity" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task EveryBadValueFailsTheHostAtStartNamingItsKey(string key, string value)
    {
        using var host = BuildHost(new Dictionary<string, string?> { ["TrainMonitor:" + key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains($"TrainMonitor:{key} = '", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task AGoodGeneralizationGapFactorIsBoundFromItsKeyAndAccepted()
    {
        // The tracker's newest setting reaches the options through configuration like the others, and a value in range starts.
        using var host = BuildHost(new Dictionary<string, string?> { ["TrainMonitor:Regime:GeneralizationGapFactor"] = "3.5" });

        await host.StartAsync();
        await host.StopAsync();

        Assert.Equal(3.5, host.Services.GetRequiredService<IOptions<MonitorOptions>>().Value.Regime.GeneralizationGapFactor);
    }

    [Fact]
    public void EveryMonitorKeyHasABadValueCase()
    {
        var covered = BadValues.Select(row => (string)row[0]).Concat(AnyValueIsValid).ToHashSet(StringComparer.Ordinal);
        var missing = Keys(typeof(MonitorOptions), prefix: "").Where(k => !covered.Contains(k)).ToArray();
        Assert.True(missing.Length == 0, $"Keys without a bad-value case (add one, or to {nameof(AnyValueIsValid)}): {string.Join(", ", missing)}");
    }

    /// <summary>Keys bound to a value (sections themselves cannot be given a bad value through configuration).</summary>
    private static IEnumerable<string> Keys(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
        {
            var key = prefix + property.Name;
            if (property.PropertyType.IsClass && property.PropertyType != typeof(string))
            {
                foreach (var nested in Keys(property.PropertyType, key + ":"))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return key;
            }
        }
    }

    private IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        settings.TryAdd("TrainMonitor:OutputDirectory", _directory);
        settings.TryAdd("TrainMonitor:Prometheus:Port", "0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddTrainMonitor(builder.Configuration.GetSection("TrainMonitor"))
            .AddJsonLines()
            .AddPrometheusExporter(registry: Metrics.NewCustomRegistry());
        return builder.Build();
    }
}
