using System.CommandLine;
using Spectre.Console;

namespace TrainMonitor.Cli.Commands;

/// <summary>The root command of the <c>trainmonitor</c> tool and the entry point tests call in-process.</summary>
internal static class TrainMonitorCommand
{
    /// <summary>The root command with its sub-commands, writing tables and progress to <paramref name="console"/>.</summary>
    public static RootCommand Create(IAnsiConsole console) =>
        new($"{ToolNames.Light}: read the JSON lines a TrainMonitor run wrote and turn them into something a person can read. " +
            $"The spectral protocol on saved checkpoints is the separate tool {ToolNames.Analyze} ({ToolNames.AnalyzePackage}), which carries libtorch.")
        {
            ReportCommand.Create(console),
            SummaryCommand.Create(console),
            CompareCommand.Create(console),
            AnalyzeMovedCommand.Create(),
        };

    /// <summary>
    /// Parses and runs <paramref name="args"/>. Tables and progress go to <paramref name="console"/>; help and parse
    /// errors go to <paramref name="output"/> and <paramref name="error"/>, as do the tool's own error messages.
    /// </summary>
    public static Task<int> InvokeAsync(string[] args, IAnsiConsole console, TextWriter output, TextWriter error, CancellationToken ct = default) =>
        Create(console).Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, ct);
}
