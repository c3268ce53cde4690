namespace TrainMonitor.Cli.Commands;

/// <summary>
/// The two tools and their packages. <c>analyze</c> runs libtorch, whose native libraries for three operating systems
/// make a package above nuget.org's 250 MB limit; so the light tool reads runs only and <c>analyze</c> has its own tool.
/// </summary>
internal static class ToolNames
{
    /// <summary>The command of the light tool: report, summary, compare.</summary>
    public const string Light = "trainmonitor";

    /// <summary>The package of the light tool.</summary>
    public const string LightPackage = "TrainMonitor.Cli";

    /// <summary>The command of the tool that runs the spectral protocol on saved checkpoints.</summary>
    public const string Analyze = "trainmonitor-analyze";

    /// <summary>The package of the analyze tool (a pointer to one package per runtime, each with its libtorch).</summary>
    public const string AnalyzePackage = "TrainMonitor.Cli.Analyze";
}
