using Spectre.Console;
using TrainMonitor.Cli.Commands;

namespace TrainMonitor.Cli.Tests;

/// <summary>
/// Runs the tools in-process and captures what they print: <c>analyze …</c> runs the trainmonitor-analyze tool with the
/// arguments after it (its root command), anything else the trainmonitor tool.
/// </summary>
internal static class CliRunner
{
    /// <summary>Exit code, console output (tables, progress) plus help text, and standard error.</summary>
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(params string[] args)
    {
        var consoleText = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(consoleText),
        });
        console.Profile.Width = 200;
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = args is ["analyze", .. var analyzeArgs]
            ? await AnalyzeCommand.InvokeAsync(analyzeArgs, console, output, error)
            : await TrainMonitorCommand.InvokeAsync(args, console, output, error);
        return new Result(exitCode, consoleText + output.ToString(), error.ToString());
    }
}
