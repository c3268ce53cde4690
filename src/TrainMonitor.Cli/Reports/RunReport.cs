using System.Globalization;
using TrainMonitor.Cli.Formatting;
using TrainMonitor.Cli.Runs;
using TrainMonitor.Plots;
using TrainMonitor.Regimes;

namespace TrainMonitor.Cli.Reports;

/// <summary>The report of one run: its figures and the HTML page that embeds them.</summary>
internal static class RunReport
{
    /// <summary>File name of the HTML page in the output directory.</summary>
    public const string HtmlFileName = "report.html";

    /// <summary>Sub-directory holding one profile PNG per probe.</summary>
    public const string ProfileDirectory = "profiles";

    /// <summary>How many figures <see cref="MainFigures"/> renders.</summary>
    public const int MainFigureCount = 7;

    /// <summary>
    /// The main figures (overlaid profiles, frontier, regimes, kernel distance with the output change, error energy with the
    /// training and held-out losses, flux heatmap, transport fraction), one render each.
    /// </summary>
    public static IEnumerable<RenderedFigure> MainFigures(RunHistory run)
    {
        IReadOnlyList<RunSeries> series = [new RunSeries(run.Name, run.Snapshots, RunPalette.Colors[0])];
        var checkpoints = CheckpointSelection.Spread(run.Snapshots, CheckpointSelection.OverlaidProfiles);
        yield return FigureRenderer.Render(
            ProfilePlot.Overlay($"Shell profiles at {checkpoints.Count} of {run.Snapshots.Count} probes",
                checkpoints.Select(s => ($"step {NumberText.Step(s.Step)}", s)).ToArray()),
            "profiles.png", "Shell profiles",
            "Energy of the error in each logarithmic eigenvalue shell of M. Lines: Gauss-quadrature estimate (gaps where it is 0); " +
            "shaded: certified lower–upper bounds. Energies more than 8 decades below the largest are drawn at the bottom edge.",
            1100, 620);
        yield return FigureRenderer.Render(FrontierPlot.Create(series), "frontier.png", "Resolution frontier",
            FrontierPlot.Caption(run.Snapshots) + " Gaps and dotted verticals mark probes whose λ_f was undetermined (listed below).",
            1100, 520);
        yield return FigureRenderer.Render(RegimeTimelinePlot.Create(series), "regimes.png", "Regime timeline",
            "Each probe's regime holds from its step until the next probe.", 1100, 230);
        yield return FigureRenderer.Render(StepSeriesPlot.KernelDistance(series), "kernel-distance.png", "Kernel distance and output change",
            "Distance between the sketched tangent kernels of the model's outputs at successive probes (solid), and from the first " +
            "probe (dashed); dotted: relative change of the outputs on the probe set since the previous probe. Feature learning " +
            "moves the kernel; lazy training moves the outputs but not the kernel; when the outputs stand still too, learning has stopped.",
            1100, 460);
        yield return FigureRenderer.Render(StepSeriesPlot.ErrorEnergy(series), "error-energy.png", "Error energy and losses",
            "Error energy on the probe set (total spectral mass), the part below the null floor, the training loss when given " +
            "(dashed, the mean since the previous probe) and beside it the held-out loss on the probe set (densely dashed: mean " +
            "surprisal for cross-entropy, the error energy (the mean squared error) for squared error). A held-out loss rising while the training " +
            "loss keeps falling is a widening generalization gap.",
            1100, 460);
        yield return FigureRenderer.Render(TransportPlot.FluxHeatmap(series[0]), "flux-heatmap.png", "Energy flux between shells",
            "Net flux J across each shell's lower edge over each probe interval: the energy the shells above the edge hold beyond " +
            "what the frozen kernel of the earlier probe leaves there (red: moved up, blue: moved down; colour limits ± the largest |J|). " +
            "One column per interval, labelled by its later step; blank: no energy budget for that interval.",
            1100, 460);
        yield return FigureRenderer.Render(TransportPlot.TransportFraction(series), "transport-fraction.png", "Transport fraction",
            "Σ|measured − frozen-kernel prediction| over the shells and the null band, divided by the error energy, for the interval " +
            "ending at each probe; shaded: its certified interval. 0: the frozen kernel explains the interval (lazy); of order 1: " +
            "most of the energy moved between shells. Dashed (right axis): kernel velocity, radians the tangent kernel turned since the first " +
            "probe per e-fold of the held-out loss's fall since then.",
            1100, 460);
    }

    /// <summary>One small profile figure per probe, for the grid on the HTML page and the profiles/ directory.</summary>
    public static IEnumerable<RenderedFigure> ProbeProfiles(RunHistory run) =>
        run.Snapshots.Select(s => FigureRenderer.Render(ProfilePlot.Single(s, NumberText.Step(s.Step)),
            Path.Combine(ProfileDirectory, string.Create(CultureInfo.InvariantCulture, $"step-{s.Step:D8}-probe-{s.ProbeIndex}.png")),
            $"step {NumberText.Step(s.Step)}", string.Empty, 480, 320));

    /// <summary>Which run of its file this is (every rerun appends to the file), with its run id.</summary>
    private static string RunInFile(RunHistory run)
    {
        var id = run.RunId is { } runId ? $"run id {runId}" : "no run id recorded";
        return run.Number is { } n
            ? string.Create(CultureInfo.InvariantCulture, $"{n} of {run.RunsInFile} in the file, {id}")
            : string.Create(CultureInfo.InvariantCulture, $"all {run.RunsInFile} runs of the file together");
    }

    /// <summary>The self-contained HTML page of the run.</summary>
    /// <remarks>
    /// <paramref name="preface"/> puts sections of its own before the run's (trainmonitor-analyze's tables and figures), with
    /// their facts and navigation entries.
    /// </remarks>
    public static string Html(RunHistory run, IReadOnlyList<RenderedFigure> main, IReadOnlyList<RenderedFigure> probeProfiles,
        ReportPreface? preface = null)
    {
        RenderedFigure Main(string fileName) => main.Single(f => f.FileName == fileName);
        var last = run.Last;
        var page = new HtmlDocument(preface?.Title ?? $"TrainMonitor report — {run.Name}")
            .Facts([
                .. preface?.Facts ?? [],
                ("file", run.Path),
                ("run", RunInFile(run)),
                ("probes", run.Snapshots.Count.ToString(CultureInfo.InvariantCulture)),
                ("steps", $"{NumberText.Step(run.First.Step)} – {NumberText.Step(last.Step)}"),
                ("final regime", last.Assessment.Regime.ToWireName()),
                ("shell ratio q", NumberText.Format(last.ShellRatio)),
                ("error entries", last.ErrorEntries.ToString(CultureInfo.InvariantCulture)),
                ("batch spectra by method", SummaryColumns.MethodCounts(run.Snapshots) ?? "not recorded"),
                .. SummaryColumns.FallbackReasons(run.Snapshots).Select(r => ("Auto fell back to Lanczos at", r)),
            ])
            .Navigation([
                .. preface?.Sections ?? [],
                ("summary", "Summary"), ("profiles", "Shell profiles"), ("frontier", "Resolution frontier"),
                ("regimes", "Regime timeline"), ("kernel", "Kernel distance and output change"), ("energy", "Error energy and losses"),
                ("transport", "Energy budget"),
            ]);

        preface?.Write(page);
        page.Section("summary", "Summary")
            .Paragraph($"Last probe: {last.Assessment.Regime.ToWireName()} — {last.Assessment.Reason}")
            .Table(SummaryColumns.Headers, run.Snapshots.Select(s =>
                SummaryColumns.NumericCells(s).Select(HtmlCell.Number).Append(HtmlCell.Regime(s.Assessment.Regime)).ToArray()))
            .Paragraph(SummaryColumns.Legend(run.Snapshots), "meta");

        page.Section("profiles", "Shell profiles").Figure(Main("profiles.png"))
            .Subheading("Every probe")
            .Paragraph("Solid black: the frontier λ_f, with its certified interval shaded gold when it has a width (to the right edge " +
                       "when no upper end was certified); dashed orange: the fit's λ, where determined; faint grey bars (right " +
                       "axis): quadrature nodes, eigenvalues or Ritz values, in each shell over all batches, when the file recorded them.", "meta")
            .FigureGrid(probeProfiles);

        page.Section("frontier", "Resolution frontier").Figure(Main("frontier.png"));
        foreach (var line in (string?[])[SummaryColumns.FrontierUndetermined(run.Snapshots), SummaryColumns.FitOutcome(run.Snapshots)])
        {
            if (line is not null)
            {
                page.Paragraph(line);
            }
        }

        // One row per probe where either is undetermined: the quantile frontier and the fit fail for different reasons.
        var undetermined = run.Snapshots.Where(s => !s.Frontier.IsDetermined || !s.Frontier.Fit.IsDetermined).ToArray();
        page.Subheading($"Undetermined frontiers (λ_f at {run.Snapshots.Count(s => !s.Frontier.IsDetermined)}, " +
                        $"fit at {run.Snapshots.Count(s => !s.Frontier.Fit.IsDetermined)} of {run.Snapshots.Count} probes)");
        if (undetermined.Length == 0)
        {
            page.Paragraph("Every probe determined the frontier λ_f and the fit.");
        }
        else
        {
            page.Table(["step", "why λ_f was not determined", "why the fit was not determined"],
                undetermined.Select(s => (IReadOnlyList<HtmlCell>)
                [
                    HtmlCell.Number(NumberText.Step(s.Step)),
                    HtmlCell.Text(s.Frontier.Reason ?? "(determined)"),
                    HtmlCell.Text(s.Frontier.Fit.Reason ?? "(determined)"),
                ]));
        }

        page.Section("regimes", "Regime timeline").Figure(Main("regimes.png"));
        var changes = RegimeChanges(run).ToArray();
        page.Subheading($"Regime changes ({changes.Length})");
        if (changes.Length > 0)
        {
            page.Table(["step", "from", "to", "reason"], changes.Select(c => (IReadOnlyList<HtmlCell>)
            [
                HtmlCell.Number(NumberText.Step(c.Step)), HtmlCell.Regime(c.From), HtmlCell.Regime(c.To), HtmlCell.Text(c.Reason),
            ]));
        }

        page.Section("kernel", "Kernel distance and output change").Figure(Main("kernel-distance.png"));
        page.Section("energy", "Error energy and losses").Figure(Main("error-energy.png"));
        page.Section("transport", "Energy budget").Paragraph(SummaryColumns.Transport(run.Snapshots))
            .Figure(Main("flux-heatmap.png")).Figure(Main("transport-fraction.png"));
        page.Paragraph($"Written by {preface?.WrittenBy ?? "trainmonitor report"} on {DateTimeOffset.Now.ToString("u", CultureInfo.InvariantCulture)}.", "meta");
        return page.Finish();
    }

    /// <summary>The probes at which the regime differs from the probe before.</summary>
    public static IEnumerable<(long Step, TrainingRegime From, TrainingRegime To, string Reason)> RegimeChanges(RunHistory run) =>
        run.Snapshots.Zip(run.Snapshots.Skip(1))
            .Where(p => p.First.Assessment.Regime != p.Second.Assessment.Regime)
            .Select(p => (p.Second.Step, p.First.Assessment.Regime, p.Second.Assessment.Regime, p.Second.Assessment.Reason));
}
