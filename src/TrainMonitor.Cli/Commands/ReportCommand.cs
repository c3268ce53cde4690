using System.CommandLine;
using System.Text;
using Spectre.Console;
using TrainMonitor.Cli.Reports;
using TrainMonitor.Cli.Runs;
using TrainMonitor.Plots;

namespace TrainMonitor.Cli.Commands;

/// <summary><c>trainmonitor report &lt;run.jsonl&gt; [--output DIR] [--run N|id|all]</c>: PNG plots and one self-contained HTML page.</summary>
internal static class ReportCommand
{
    /// <summary>Builds the command; output goes to <paramref name="console"/>.</summary>
    public static Command Create(IAnsiConsole console)
    {
        var input = new Argument<string>("run.jsonl") { Description = "The JSON-lines file the run wrote." };
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Directory for the PNG files and report.html (default: <run>-report next to the input file, <run>-report-run-N for a chosen run).",
        };
        var selector = RunOption.Create();
        var command = new Command("report", "Write PNG plots and a self-contained HTML report of a run.") { input, output, selector };
        command.SetAction((parseResult, ct) => CommandErrors.RunAsync(parseResult, async () =>
        {
            var path = parseResult.GetRequiredValue(input);
            var chosen = parseResult.GetValue(selector);
            var run = await RunOption.LoadAsync(console, path, chosen, ct).ConfigureAwait(false);
            // A chosen run gets a directory of its own, so reporting run 1 does not overwrite the last run's report.
            var suffix = chosen is null ? "report" : $"report-run-{run.Number?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? RunFile.AllRuns}";
            var files = new OutputFiles(parseResult.GetValue(output) ?? DefaultOutput(run.Path, suffix));
            await WriteAsync(console, run, files, ct).ConfigureAwait(false);
            files.Describe(console);
            console.MarkupLineInterpolated($"Open [bold]{Path.Combine(files.Directory, RunReport.HtmlFileName)}[/] in a browser.");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>&lt;input directory&gt;/&lt;input name&gt;-&lt;suffix&gt;.</summary>
    public static string DefaultOutput(string inputPath, string suffix) =>
        Path.Combine(Path.GetDirectoryName(inputPath)!, $"{Path.GetFileNameWithoutExtension(inputPath)}-{suffix}");

    private static async Task WriteAsync(IAnsiConsole console, RunHistory run, OutputFiles files, CancellationToken ct)
    {
        var main = new List<RenderedFigure>();
        var profiles = new List<RenderedFigure>();
        await console.Progress().AutoClear(true).StartAsync(async context =>
        {
            var plots = context.AddTask("plots", maxValue: RunReport.MainFigureCount);
            foreach (var figure in RunReport.MainFigures(run))
            {
                ct.ThrowIfCancellationRequested();
                await files.WriteAsync(figure, ct).ConfigureAwait(false);
                main.Add(figure);
                plots.Increment(1);
            }

            var perProbe = context.AddTask("profile per probe", maxValue: run.Snapshots.Count);
            foreach (var figure in RunReport.ProbeProfiles(run))
            {
                ct.ThrowIfCancellationRequested();
                await files.WriteAsync(figure, ct).ConfigureAwait(false);
                profiles.Add(figure);
                perProbe.Increment(1);
            }

            var html = context.AddTask("HTML page", maxValue: 1);
            await files.WriteAsync(RunReport.HtmlFileName, Encoding.UTF8.GetBytes(RunReport.Html(run, main, profiles)), ct).ConfigureAwait(false);
            html.Increment(1);
        }).ConfigureAwait(false);
    }
}
