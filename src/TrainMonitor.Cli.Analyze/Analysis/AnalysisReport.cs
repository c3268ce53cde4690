using System.Globalization;
using TrainMonitor.Checkpoints;
using TrainMonitor.Cli.Formatting;
using TrainMonitor.Cli.Reports;
using TrainMonitor.Cli.Runs;
using TrainMonitor.Plots;

namespace TrainMonitor.Cli.Analysis;

/// <summary>
/// The analysis' figures and its sections of the HTML report, placed before the report of the deepest run (the same
/// report <c>trainmonitor report</c> writes of a live run).
/// </summary>
internal static class AnalysisReport
{
    /// <summary>Sub-directory holding one depth-sweep profile PNG per checkpoint.</summary>
    public const string DepthDirectory = "depth-sweep";

    /// <summary>The analysis' own figures: profiles with their batch spread, and with a sweep the frontier per depth and each checkpoint's profile per depth.</summary>
    public static IEnumerable<RenderedFigure> Figures(CheckpointAnalysisResult result, IReadOnlyList<RunHistory> depthRuns)
    {
        var depth = AnalysisTables.PrimaryDepth(result);
        var probes = result.ProbesAt(depth).Where(p => p.Succeeded).ToArray();
        yield return FigureRenderer.Render(
            BatchSpreadPlot.Overlay($"Shell profiles of {probes.Length} checkpoints at m = {depth}",
                probes.Select(p => ($"step {NumberText.Step(p.Checkpoint.Step)}", p.Snapshot!.Shells, p.BatchSpread)).ToArray()),
            "batch-spread.png", "Profiles and their spread over the probe batches",
            "Line: the shell energy averaged over the probe batches (the profile a probe reports); shaded: from the smallest to the " +
            "largest batch. A change between checkpoints inside the shading could be the choice of batches alone.",
            1100, 620);
        if (result.Depths.Count < 2)
        {
            yield break;
        }

        var series = depthRuns.Select((run, i) => new RunSeries($"m = {result.Depths[i]}", run.Snapshots,
            new ScottPlot.Colormaps.Viridis().GetColor(0.9 * i / (depthRuns.Count - 1)))).ToArray();
        yield return FigureRenderer.Render(FrontierPlot.Create(series), "frontier-depths.png", "Frontier at each Lanczos depth",
            "The frontier λ_f against the checkpoint's step on log–log axes at every depth, with its certified interval and the fit's λ: " +
            "its slope is the displacement d ln λ_f / d ln t of the tables above.", 1100, 520);
        foreach (var checkpoint in result.Checkpoints)
        {
            var atDepths = result.Depths.Select(d => result.Probes.Single(p => p.Checkpoint == checkpoint && p.LanczosSteps == d))
                .Where(p => p.Succeeded).Select(p => ($"m = {p.LanczosSteps}", p.Snapshot!)).ToArray();
            if (atDepths.Length > 0)
            {
                yield return FigureRenderer.Render(ProfilePlot.Overlay($"step {NumberText.Step(checkpoint.Step)} at each depth", atDepths),
                    Path.Combine(DepthDirectory, string.Create(CultureInfo.InvariantCulture, $"step-{checkpoint.Step:D8}.png")),
                    $"step {NumberText.Step(checkpoint.Step)}", string.Empty, 720, 420);
            }
        }
    }

    /// <summary>How many figures <see cref="Figures"/> renders.</summary>
    public static int FigureCount(CheckpointAnalysisResult result) => result.Depths.Count < 2 ? 1 : 2 + result.Checkpoints.Count;

    /// <summary>The analysis' sections, to go before the run's.</summary>
    public static ReportPreface Preface(CheckpointAnalysisResult result, AnalysisDescription description, IReadOnlyList<AnalysisTable> tables,
        IReadOnlyList<RenderedFigure> figures)
    {
        var checkpointTables = tables.Take(result.Checkpoints.Count).ToArray();
        var rest = tables.Skip(result.Checkpoints.Count).ToArray();
        IReadOnlyList<(string, string)> sections = result.Depths.Count < 2
            ? [("checkpoints", "Checkpoints"), ("displacement", "Displacement")]
            : [("checkpoints", "Checkpoints"), ("displacement", "Displacement"), ("depths", "Depth sweep")];
        return new ReportPreface(
            $"TrainMonitor checkpoint analysis — {description.RunName}",
            [
                ("checkpoints", $"{result.Checkpoints.Count} ({description.ModelSource}), steps {string.Join(", ", result.Checkpoints.Select(c => NumberText.Step(c.Step)))}"),
                ("probe set", $"{description.Data}; {description.Batches} batches of {description.BatchSize}; error {description.Error}"),
                ("Lanczos depths", string.Join(", ", result.Depths)),
                ("failed probes", result.Failures.ToString(CultureInfo.InvariantCulture)),
            ],
            sections,
            page =>
            {
                page.Section("checkpoints", "Checkpoints");
                rest[0].AddTo(page);
                page.Figure(figures.Single(f => f.FileName == "batch-spread.png"));
                foreach (var table in checkpointTables)
                {
                    table.AddTo(page);
                }

                page.Section("displacement", "Frontier displacement");
                foreach (var table in rest.Skip(1).Take(result.Displacements.Count))
                {
                    table.AddTo(page);
                }

                if (result.Depths.Count >= 2)
                {
                    page.Figure(figures.Single(f => f.FileName == "frontier-depths.png"));
                    page.Section("depths", "Depth sweep");
                    rest[^1].AddTo(page);
                    page.FigureGrid(figures.Where(f => f.FileName.StartsWith(DepthDirectory, StringComparison.Ordinal)));
                }

                page.Paragraph($"The sections below are the report of the run at m = {AnalysisTables.PrimaryDepth(result)}, as trainmonitor report writes it.", "meta");
            },
            "trainmonitor-analyze");
    }
}
