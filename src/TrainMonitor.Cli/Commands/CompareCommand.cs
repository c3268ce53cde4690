using System.CommandLine;
using System.Text;
using Spectre.Console;
using TrainMonitor.Cli.Reports;
using TrainMonitor.Cli.Runs;
using TrainMonitor.Plots;

namespace TrainMonitor.Cli.Commands;

/// <summary><c>trainmonitor compare &lt;a.jsonl&gt; &lt;b.jsonl&gt; [--output DIR] [--run-a N|id|all] [--run-b N|id|all]</c>: two runs overlaid.</summary>
internal static class CompareCommand
{
    /// <summary>Builds the command; output goes to <paramref name="console"/>.</summary>
    public static Command Create(IAnsiConsole console)
    {
        var first = new Argument<string>("a.jsonl") { Description = "The first run's JSON-lines file." };
        var second = new Argument<string>("b.jsonl") { Description = "The second run's JSON-lines file." };
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Directory for the PNG files and compare.html (default: <a>-vs-<b> next to the first file).",
        };
        var runA = RunOption.Create("--run-a", "the first file");
        var runB = RunOption.Create("--run-b", "the second file");
        var command = new Command("compare", "Overlay two runs: final profiles, frontier, regimes, kernel distance, error energy.")
        {
            first, second, output, runA, runB,
        };
        command.SetAction((parseResult, ct) => CommandErrors.RunAsync(parseResult, async () =>
        {
            var a = await RunOption.LoadAsync(console, parseResult.GetRequiredValue(first), parseResult.GetValue(runA), ct).ConfigureAwait(false);
            var b = await RunOption.LoadAsync(console, parseResult.GetRequiredValue(second), parseResult.GetValue(runB), ct).ConfigureAwait(false);
            var warnings = RunComparison.Check(a, b);
            foreach (var warning in warnings)
            {
                console.MarkupLineInterpolated($"[yellow]note:[/] {warning}");
            }

            var series = ComparisonReport.Series(a, b);
            var table = new Table().Border(TableBorder.Rounded).AddColumn(string.Empty)
                .AddColumn(new TableColumn(Markup.Escape(series[0].Label)).RightAligned())
                .AddColumn(new TableColumn(Markup.Escape(series[1].Label)).RightAligned());
            foreach (var (quantity, valueA, valueB) in ComparisonReport.FinalValues(a, b).Skip(1))
            {
                table.AddRow(Markup.Escape(quantity), Markup.Escape(valueA), Markup.Escape(valueB));
            }

            console.Write(table);
            var defaultDirectory = Path.Combine(Path.GetDirectoryName(a.Path)!,
                $"{Path.GetFileNameWithoutExtension(a.Path)}-vs-{Path.GetFileNameWithoutExtension(b.Path)}");
            var files = new OutputFiles(parseResult.GetValue(output) ?? defaultDirectory);
            var figures = new List<RenderedFigure>();
            await console.Status().StartAsync("rendering the overlays", async _ =>
            {
                foreach (var figure in ComparisonReport.Figures(series))
                {
                    ct.ThrowIfCancellationRequested();
                    await files.WriteAsync(figure, ct).ConfigureAwait(false);
                    figures.Add(figure);
                }

                var html = ComparisonReport.Html(a, b, series, figures, warnings);
                await files.WriteAsync(ComparisonReport.HtmlFileName, Encoding.UTF8.GetBytes(html), ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
            files.Describe(console);
            return ExitCodes.Success;
        }));
        return command;
    }
}
