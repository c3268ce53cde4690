using System.Reflection;
using TrainMonitor.Shells;
using TrainMonitor.Spectral;

namespace TrainMonitor.Defaults;

/// <summary>
/// Defaults of the options that a project may change with MSBuild properties (see the README, "MSBuild properties").
/// Options classes initialise from these, so configuration binding and code, which assign afterwards, still win.
/// Read on every options construction rather than cached, because a cached failure would surface as a
/// <see cref="TypeInitializationException"/> that hides the message naming the property.
/// </summary>
internal static class MonitorDefaults
{
    public static readonly MSBuildDefault EnabledSetting = new("TrainMonitor.Enabled", "TrainMonitorEnabled");
    public static readonly MSBuildDefault LanczosStepsSetting = new("TrainMonitor.LanczosSteps", "TrainMonitorLanczosSteps");
    public static readonly MSBuildDefault ShellRatioSetting = new("TrainMonitor.ShellRatio", "TrainMonitorShellRatio");
    public static readonly MSBuildDefault MetricsPortSetting = new("TrainMonitor.MetricsPort", "TrainMonitorMetricsPort");
    public static readonly MSBuildDefault OutputDirectorySetting = new("TrainMonitor.OutputDirectory", "TrainMonitorOutputDirectory");

    /// <summary>Every setting, for the test that keeps this list and the buildTransitive targets in step.</summary>
    public static IReadOnlyList<MSBuildDefault> All { get; } =
        [EnabledSetting, LanczosStepsSetting, ShellRatioSetting, MetricsPortSetting, OutputDirectorySetting];

    public static bool Enabled(MSBuildDefaultsReader reader) => reader.ReadBoolean(EnabledSetting) ?? true;

    /// <summary>What the run is called when no name is configured: <see cref="RunNameFor"/> of the entry assembly.</summary>
    public static string RunName() => RunNameFor(Assembly.GetEntryAssembly()?.GetName().Name);

    /// <summary>
    /// <paramref name="entryAssembly"/>'s name lower-cased (a program <c>QuickStart</c> runs as <c>quickstart</c>), so a run
    /// nobody named still says which program it is — in the metrics' <c>run</c> label, the JSON-lines file name and the log
    /// ("attached to run quickstart", not "attached to run run"); <c>"run"</c> when there is no entry assembly, or when it is
    /// the test platform's host (<c>testhost</c>), which names the runner, not the program.
    /// </summary>
    public static string RunNameFor(string? entryAssembly) =>
        string.IsNullOrWhiteSpace(entryAssembly) || entryAssembly.Equals("testhost", StringComparison.OrdinalIgnoreCase)
            ? "run"
            : entryAssembly.Trim().ToLowerInvariant();

    public static int LanczosSteps(MSBuildDefaultsReader reader) =>
        reader.ReadInt32(LanczosStepsSetting, 2, int.MaxValue, "an integer of at least 2") ?? LanczosOptions.DefaultSteps;

    public static double ShellRatio(MSBuildDefaultsReader reader) =>
        reader.ReadDouble(ShellRatioSetting, ShellGrid.IsValidRatio, "a finite number greater than 1 (invariant culture, e.g. 1.5)")
        ?? ShellGrid.DefaultRatio;

    /// <summary>Null when not set: the Prometheus package owns the built-in default.</summary>
    public static int? MetricsPort(MSBuildDefaultsReader reader) =>
        reader.ReadInt32(MetricsPortSetting, 0, 65_535, "a port from 0 to 65535 (0 turns the endpoint off)");

    /// <summary>Null when not set: the hosting package owns the built-in default.</summary>
    public static string? OutputDirectory(MSBuildDefaultsReader reader) =>
        reader.ReadString(OutputDirectorySetting, "a directory path");
}
