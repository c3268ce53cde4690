using Spectre.Console;
using TrainMonitor.Cli.Commands;

namespace TrainMonitor.Cli.Tests;

/// <summary>
/// The light tool has no analyze (it carries no libtorch); someone following old docs gets the command to type instead.
/// Called on <see cref="TrainMonitorCommand"/> directly: <see cref="CliRunner"/> sends analyze to the analyze tool.
/// </summary>
public sealed class AnalyzeMovedTests
{
    [Fact]
    public async Task Trainmonitor_analyze_names_the_analyze_tool_and_repeats_the_arguments()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(new StringWriter()) });
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = await TrainMonitorCommand.InvokeAsync(["analyze", "ckpt/", "--tokens", "probe.bin", "--context", "16"], console, output, error);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal(
            "trainmonitor: error: analyze runs libtorch, which this tool does not carry; it is the separate tool TrainMonitor.Cli.Analyze: " +
            "dotnet tool install -g TrainMonitor.Cli.Analyze, then trainmonitor-analyze ckpt/ --tokens probe.bin --context 16",
            error.ToString().Trim());
    }
}
