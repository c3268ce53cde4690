using System.Globalization;
using TrainMonitor.Cli.Formatting;
using TrainMonitor.Cli.Runs;
using TrainMonitor.Outputs;
using TrainMonitor.Plots;
using TrainMonitor.Regimes;

namespace TrainMonitor.Cli.Reports;

/// <summary>Two runs overlaid: the same figures as a run report, one colour per run, and their final values side by side.</summary>
internal static class ComparisonReport
{
    /// <summary>File name of the HTML page in the output directory.</summary>
    public const string HtmlFileName = "compare.html";

    /// <summary>The two runs as plot series; labels are made distinct when both runs have the same name.</summary>
    public static IReadOnlyList<RunSeries> Series(RunHistory a, RunHistory b)
    {
        var labelA = a.Name;
        var labelB = b.Name;
        if (labelA == labelB)
        {
            labelA = $"A ({Source(a)})";
            labelB = $"B ({Source(b)})";
        }

        return [new RunSeries(labelA, a.Snapshots, RunPalette.Colors[0]), new RunSeries(labelB, b.Snapshots, RunPalette.Colors[1])];
    }

    /// <summary>The file, and which of its runs when it holds several.</summary>
    private static string Source(RunHistory run) =>
        run.RunsInFile > 1 && run.Number is { } n ? $"{Path.GetFileName(run.Path)}, run {n}" : Path.GetFileName(run.Path);

    /// <summary>The overlaid figures.</summary>
    public static IEnumerable<RenderedFigure> Figures(IReadOnlyList<RunSeries> series)
    {
        yield return FigureRenderer.Render(
            ProfilePlot.Overlay("Shell profiles at the last probe of each run",
                series.Select(s => ($"{s.Label} (step {NumberText.Step(s.Snapshots[^1].Step)})", s.Snapshots[^1])).ToArray(),
                series.Select(s => s.Color).ToArray()),
            "compare-profiles.png", "Final shell profiles",
            "Last probe of each run: Gauss estimate (line) and certified bounds (band).", 1100, 620);
        yield return FigureRenderer.Render(FrontierPlot.Create(series), "compare-frontier.png", "Resolution frontier",
            FrontierPlot.Caption(series.SelectMany(s => s.Snapshots)) + " Dotted verticals mark undetermined λ_f, in the colour of their run.", 1100, 520);
        yield return FigureRenderer.Render(RegimeTimelinePlot.Create(series), "compare-regimes.png", "Regime timelines",
            "One row per run.", 1100, 280);
        yield return FigureRenderer.Render(StepSeriesPlot.KernelDistance(series), "compare-kernel-distance.png", "Kernel distance and output change",
            "Tangent-kernel distance, solid: from the previous probe; dashed: from the first probe. Dotted: relative change of the outputs since the previous probe.",
            1100, 460);
        yield return FigureRenderer.Render(StepSeriesPlot.ErrorEnergy(series), "compare-error-energy.png", "Error energy and losses",
            "Solid: error energy; dotted: below the null floor; dashed: training loss; densely dashed: held-out loss on the probe set.",
            1100, 460);
    }

    /// <summary>Rows of the side-by-side table: a quantity, its value in run A and in run B.</summary>
    public static IReadOnlyList<(string Quantity, string A, string B)> FinalValues(RunHistory a, RunHistory b)
    {
        static string Fit(RunHistory r) => r.Last.Frontier.Fit.IsDetermined ? NumberText.Format(r.Last.Frontier.Fit.Lambda) : NumberText.Unknown;
        static string Determined(RunHistory r, Func<ProbeSnapshot, bool> determined) =>
            $"{r.Snapshots.Count(determined)} of {r.Snapshots.Count}";
        return
        [
            ("file", a.Path, b.Path),
            ("probes", a.Snapshots.Count.ToString(CultureInfo.InvariantCulture), b.Snapshots.Count.ToString(CultureInfo.InvariantCulture)),
            ("last step", NumberText.Step(a.Last.Step), NumberText.Step(b.Last.Step)),
            ("final regime", a.Last.Assessment.Regime.ToWireName(), b.Last.Assessment.Regime.ToWireName()),
            ("final error energy", NumberText.Format(a.Last.ErrorEnergy), NumberText.Format(b.Last.ErrorEnergy)),
            ("final training loss", NumberText.Format(a.Last.TrainingLoss), NumberText.Format(b.Last.TrainingLoss)),
            ("final held-out loss (probe)", NumberText.Format(a.Last.ProbeLoss), NumberText.Format(b.Last.ProbeLoss)),
            ("final frontier λ_f [certified]", SummaryColumns.FrontierCell(a.Last.Frontier), SummaryColumns.FrontierCell(b.Last.Frontier)),
            ("frontiers λ_f determined", Determined(a, s => s.Frontier.IsDetermined), Determined(b, s => s.Frontier.IsDetermined)),
            ("final fit λ", Fit(a), Fit(b)),
            ("fits determined", Determined(a, s => s.Frontier.Fit.IsDetermined), Determined(b, s => s.Frontier.Fit.IsDetermined)),
            ("final λ_max", NumberText.Format(a.Last.LambdaMax), NumberText.Format(b.Last.LambdaMax)),
            ("kernel distance from first", NumberText.Format(a.Last.Assessment.KernelDistanceFromFirst), NumberText.Format(b.Last.Assessment.KernelDistanceFromFirst)),
        ];
    }

    /// <summary>The self-contained HTML page of the comparison of <paramref name="a"/> and <paramref name="b"/>, drawn as <paramref name="series"/>.</summary>
    public static string Html(RunHistory a, RunHistory b, IReadOnlyList<RunSeries> series, IReadOnlyList<RenderedFigure> figures, IReadOnlyList<string> warnings)
    {
        var (labelA, labelB) = (series[0].Label, series[1].Label);
        var page = new HtmlDocument($"TrainMonitor comparison — {labelA} vs {labelB}")
            .Facts([("A", a.Path), ("B", b.Path)]);
        foreach (var warning in warnings)
        {
            page.Paragraph("Note: " + warning, "warning");
        }

        page.Section("summary", "Final values")
            .Table(["", labelA, labelB], FinalValues(a, b).Select(r => (IReadOnlyList<HtmlCell>)
                [HtmlCell.Text(r.Quantity), HtmlCell.Number(r.A), HtmlCell.Number(r.B)]));
        var sections = new (string Id, string File)[]
        {
            ("profiles", "compare-profiles.png"), ("frontier", "compare-frontier.png"), ("regimes", "compare-regimes.png"),
            ("kernel", "compare-kernel-distance.png"), ("energy", "compare-error-energy.png"),
        };
        foreach (var (id, file) in sections)
        {
            var figure = figures.Single(f => f.FileName == file);
            page.Section(id, figure.Title).Figure(figure);
        }

        page.Paragraph($"Written by trainmonitor compare on {DateTimeOffset.Now.ToString("u", CultureInfo.InvariantCulture)}.", "meta");
        return page.Finish();
    }
}
