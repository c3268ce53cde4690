using System.Text;
using Spectre.Console;
using TrainMonitor.Checkpoints;
using TrainMonitor.Cli.Analysis.Data;
using TrainMonitor.Cli.Analysis.Models;
using TrainMonitor.Cli.Commands;
using TrainMonitor.Cli.Reports;
using TrainMonitor.Cli.Runs;
using TrainMonitor.Cli.Terminal;
using TrainMonitor.Errors;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.JsonLines;
using TrainMonitor.Plots;
using TrainMonitor.Probing;
using static TorchSharp.torch;

namespace TrainMonitor.Cli.Analysis;

/// <summary>
/// What analyze does once its settings are checked: finds and checks the checkpoints, builds the probe set, tries the
/// first checkpoint on the first batch, probes the series with a progress bar, then prints the tables and RESULT lines
/// and writes the JSON lines, analysis.json, the tables as markdown and the HTML report with its figures.
/// </summary>
internal static class AnalyzeRun
{
    /// <summary>File name of the tables in markdown.</summary>
    public const string TablesFileName = "checkpoints.md";

    /// <summary>File name of the protocol's results.</summary>
    public const string JsonFileName = "analysis.json";

    /// <summary>Runs the analysis; tables and progress go to <paramref name="console"/>, the RESULT lines unwrapped to <paramref name="results"/>.</summary>
    public static async Task<int> ExecuteAsync(IAnsiConsole console, TextWriter results, AnalyzeSettings settings, CancellationToken ct)
    {
        var series = Discover(settings);
        var loader = settings.ModelType is null
            ? CheckpointModelLoader.TorchScript(settings.Dtype)
            : CheckpointModelLoader.StateDict(ModelType.Resolve(settings.ModelAssembly!, settings.ModelType), settings.Format, settings.Dtype);
        loader.Check(series);
        using var probe = settings.Tokens is { } tokens
            ? await ProbeData.FromTokensAsync(tokens, settings.TokenFormat, settings.Context!.Value, settings.Error, settings.BatchSize, settings.Batches, ct).ConfigureAwait(false)
            : ProbeData.FromTensorFiles(settings.Inputs!, settings.Targets!, settings.BatchSize, settings.Batches, settings.Dtype);
        var error = ErrorKind.Function(settings.Error);
        Preflight(loader, series[0], probe, error, settings.Error);
        var description = new AnalysisDescription(settings.Name, loader.Source,
            settings.Tokens is { } t ? $"{t} (windows of {settings.Context} + 1 tokens)" : $"{settings.Inputs} and {settings.Targets}",
            settings.Error, settings.Batches, settings.BatchSize, settings.Method);

        var files = new OutputFiles(settings.Output);
        Directory.CreateDirectory(files.Directory);
        var jsonLines = Path.Combine(files.Directory, $"{settings.Name}.jsonl");
        // The output directory is this analysis': a rerun replaces its file instead of appending a second set of runs.
        File.Delete(jsonLines);
        var result = await ProbeAsync(console, settings, series, loader, probe, error, jsonLines, ct).ConfigureAwait(false);

        var runs = DepthRuns(jsonLines, result);
        var tables = AnalysisTables.All(result);
        if (runs[^1] is { } primary)
        {
            SummaryTable.Write(console, primary);
            console.WriteLine();
        }

        foreach (var table in tables)
        {
            table.Write(console);
        }

        // Machine-read lines go past the console, which would wrap them at its width.
        foreach (var line in ResultLines.Of(result))
        {
            await results.WriteLineAsync(line.AsMemory(), ct).ConfigureAwait(false);
        }

        await results.FlushAsync(ct).ConfigureAwait(false);

        await files.WriteAsync(JsonFileName, AnalysisJson.Write(result, description), ct).ConfigureAwait(false);
        await files.WriteAsync(TablesFileName, Encoding.UTF8.GetBytes(string.Concat(tables.Select(table => table.Markdown()))), ct).ConfigureAwait(false);
        if (runs.All(r => r is not null))
        {
            await WriteReportAsync(console, result, description, tables, runs!, files, ct).ConfigureAwait(false);
        }
        else
        {
            console.MarkupLine("[yellow]note:[/] no report: every probe failed at one of the depths, so there is no run to plot.");
        }

        files.Describe(console);
        console.MarkupLineInterpolated($"JSON lines: [bold]{jsonLines}[/] (one run per depth: {string.Join(", ", result.RunNames)}).");
        if (result.Failures > 0)
        {
            foreach (var failed in result.Probes.Where(p => !p.Succeeded))
            {
                console.MarkupLineInterpolated($"[red]probe failed[/] at step {failed.Checkpoint.Step}, m = {failed.LanczosSteps}: {failed.Failure}");
            }

            return ExitCodes.ProbesFailed;
        }

        return ExitCodes.Success;
    }

    private static IReadOnlyList<Checkpoint> Discover(AnalyzeSettings settings)
    {
        try
        {
            return CheckpointDiscovery.FromPaths(settings.Checkpoints, settings.Steps);
        }
        catch (ArgumentException ex)
        {
            // The message is written for a person; the parameter name .NET appends to it is not.
            throw new RunInputException(ex.ParamName is { } name ? ex.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : ex.Message, ex);
        }
    }

    /// <summary>
    /// The first checkpoint on the first batch, without a graph: a model that does not load, does not take the data, or
    /// whose output does not fit the error stops the command here with one line, not with a failed probe per checkpoint.
    /// </summary>
    private static void Preflight(CheckpointModelLoader loader, Checkpoint first, ProbeSet probe, ErrorFunction error, string errorKind)
    {
        nn.Module<Tensor, Tensor> model;
        try
        {
            model = loader.Load(first);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new RunInputException($"{first.Path} (step {first.Step}) could not be loaded: {ex.Message}", ex);
        }

        using (model)
        using (no_grad())
        using (NewDisposeScope())
        {
            var batch = probe.Batches[0];
            Tensor output;
            try
            {
                output = model.call(batch.Input);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new RunInputException(
                    $"The model of {first.Name} fails on the first probe batch (input {TensorDescription.Describe(batch.Input)}): {ex.Message}", ex);
            }

            try
            {
                error.Compute(output, batch.Target);
            }
            catch (ArgumentException ex)
            {
                throw new RunInputException($"The model of {first.Name} and the probe data do not fit --error {errorKind}: {ex.Message}", ex);
            }
        }
    }

    private static async Task<CheckpointAnalysisResult> ProbeAsync(IAnsiConsole console, AnalyzeSettings settings, IReadOnlyList<Checkpoint> series,
        CheckpointModelLoader loader, ProbeSet probe, ErrorFunction error, string jsonLines, CancellationToken ct)
    {
        var options = new CheckpointAnalysisOptions
        {
            RunName = settings.Name,
            LanczosSteps = settings.LanczosSteps,
            Probe = { Method = settings.Method, ShellRatio = settings.ShellRatio, SketchVectors = settings.SketchVectors },
        };
        await using var sink = new JsonLinesSink(jsonLines);
        IMonitorSink[] sinks = settings.TensorBoard is { } directory ? [sink, new TensorBoardPerRun(directory)] : [sink];
        CheckpointAnalysisResult? result = null;
        await console.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var total = (double)settings.LanczosSteps.Count * series.Count * probe.Batches.Count;
                var task = context.AddTask("probing", maxValue: total);
                var progress = new ImmediateProgress<CheckpointAnalysisProgress>(p =>
                {
                    task.Value = p.Completed;
                    task.Description = Markup.Escape(
                        $"m = {p.LanczosSteps} · checkpoint {p.CheckpointIndex + 1}/{p.CheckpointCount} (step {p.Checkpoint.Step}) · batch {p.BatchesMeasured}/{p.BatchCount}");
                });
                result = await CheckpointAnalysis.RunAsync(series, loader.Load, probe, error, options, sinks, progress, ct: ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return result!;
    }

    /// <summary>
    /// The run of each depth, from the snapshots the analysis holds — the ones its JSON lines were written from, not read back
    /// from the file (null for a depth whose every probe failed). In step order, as a run read from a file is.
    /// </summary>
    private static RunHistory?[] DepthRuns(string jsonLines, CheckpointAnalysisResult result) =>
        result.RunNames.Select((name, depth) =>
        {
            var snapshots = result.Probes.Select(p => p.Snapshot).OfType<ProbeSnapshot>().Where(s => s.Run == name)
                .OrderBy(s => s.Step).ThenBy(s => s.ProbeIndex).ToArray();
            return snapshots.Length == 0 ? null : new RunHistory(Path.GetFullPath(jsonLines), name, snapshots)
            {
                // The file holds one run per depth, in depth order.
                RunId = snapshots[0].RunId, Number = depth + 1, RunsInFile = result.RunNames.Count,
            };
        }).ToArray();

    private static async Task WriteReportAsync(IAnsiConsole console, CheckpointAnalysisResult result, AnalysisDescription description,
        IReadOnlyList<AnalysisTable> tables, IReadOnlyList<RunHistory> runs, OutputFiles files, CancellationToken ct)
    {
        var primary = runs[^1];
        var main = new List<RenderedFigure>();
        var profiles = new List<RenderedFigure>();
        var analysis = new List<RenderedFigure>();
        await console.Progress().AutoClear(true).StartAsync(async context =>
        {
            var task = context.AddTask("report figures", maxValue: RunReport.MainFigureCount + primary.Snapshots.Count + AnalysisReport.FigureCount(result));
            foreach (var (figure, into) in RunReport.MainFigures(primary).Select(f => (f, main))
                         .Concat(RunReport.ProbeProfiles(primary).Select(f => (f, profiles)))
                         .Concat(AnalysisReport.Figures(result, runs).Select(f => (f, analysis))))
            {
                ct.ThrowIfCancellationRequested();
                await files.WriteAsync(figure, ct).ConfigureAwait(false);
                into.Add(figure);
                task.Increment(1);
            }
        }).ConfigureAwait(false);
        var html = RunReport.Html(primary, main, profiles, AnalysisReport.Preface(result, description, tables, analysis));
        await files.WriteAsync(RunReport.HtmlFileName, Encoding.UTF8.GetBytes(html), ct).ConfigureAwait(false);
    }
}
