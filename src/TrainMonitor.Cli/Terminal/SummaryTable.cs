using Spectre.Console;
using TrainMonitor.Cli.Formatting;
using TrainMonitor.Cli.Reports;
using TrainMonitor.Cli.Runs;
using TrainMonitor.Plots;
using TrainMonitor.Regimes;

namespace TrainMonitor.Cli.Terminal;

/// <summary>The per-probe table of a run for the terminal, with the regime in its colour.</summary>
internal static class SummaryTable
{
    /// <summary>Writes the run's header line, the table, and how the quantile frontier and the fit fared.</summary>
    public static void Write(IAnsiConsole console, RunHistory run)
    {
        var last = run.Last;
        console.MarkupLineInterpolated(
            $"[bold]{run.Name}[/]  {run.Snapshots.Count} probes, steps {NumberText.Step(run.First.Step)}–{NumberText.Step(last.Step)}  ({run.Path})");
        var table = new Table().Border(TableBorder.Simple);
        foreach (var header in SummaryColumns.Headers)
        {
            // Two spaces between columns (one of padding, one of the border) instead of three, so that the
            // columns, an interval among them, stay close to a 120-column terminal's width.
            table.AddColumn(new TableColumn(Markup.Escape(header)).RightAligned().Padding(0, 0, 1, 0));
        }

        table.Columns[^1].LeftAligned();
        foreach (var snapshot in run.Snapshots)
        {
            var regime = snapshot.Assessment.Regime;
            var cells = SummaryColumns.NumericCells(snapshot).Select(c => (Spectre.Console.Rendering.IRenderable)new Text(c))
                .Append(new Markup($"[{RegimePalette.Markup(regime)}]{regime.ToWireName()}[/]"));
            table.AddRow(cells);
        }

        console.Write(table);
        console.MarkupLineInterpolated($"[grey]{SummaryColumns.Legend(run.Snapshots)}[/]");
        console.MarkupLineInterpolated($"Final regime: [bold]{last.Assessment.Regime.ToWireName()}[/] — {last.Assessment.Reason}");
        console.MarkupLineInterpolated($"{SummaryColumns.RegimeChanges(run.Snapshots)}");
        if (SummaryColumns.MethodCounts(run.Snapshots) is { } methods)
        {
            console.MarkupLineInterpolated($"Batch spectra by method: {methods}");
        }

        foreach (var fallback in SummaryColumns.FallbackReasons(run.Snapshots))
        {
            console.MarkupLineInterpolated($"Auto fell back to Lanczos at {fallback}");
        }

        if (SummaryColumns.FrontierAdvance(run.Snapshots) is { } advance)
        {
            console.MarkupLineInterpolated($"{advance}");
        }

        if (SummaryColumns.FrontierUndetermined(run.Snapshots) is { } undetermined)
        {
            console.MarkupLineInterpolated($"{undetermined}");
        }

        console.MarkupLineInterpolated($"{SummaryColumns.FitOutcome(run.Snapshots)}");
        console.MarkupLineInterpolated($"{SummaryColumns.Transport(run.Snapshots)}");
    }
}
