using System.Globalization;
using TrainMonitor.Checkpoints;
using TrainMonitor.Cli.Formatting;
using TrainMonitor.Frontier;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;

namespace TrainMonitor.Cli.Analysis;

/// <summary>
/// The paper's tables from an analysis: one per checkpoint (each shell's batch mean, spread, certified bounds and, with a
/// depth sweep, its energy at every depth), the checkpoints side by side, the frontier's displacement at each depth, and
/// the depth sweep's largest change per checkpoint.
/// </summary>
internal static class AnalysisTables
{
    /// <summary>Every table, in the order the terminal, the markdown file and the report print them.</summary>
    public static IReadOnlyList<AnalysisTable> All(CheckpointAnalysisResult result) =>
    [
        .. result.Checkpoints.Select(c => Checkpoint(result, c)),
        Series(result),
        .. result.Displacements.Select(d => Displacement(result, d)),
        .. result.DepthSensitivity.Count > 0 ? [DepthSweep(result)] : Array.Empty<AnalysisTable>(),
    ];

    /// <summary>The depth the report and the per-checkpoint tables show: the deepest (the most accurate quadrature).</summary>
    public static int PrimaryDepth(CheckpointAnalysisResult result) => result.Depths[^1];

    /// <summary>One checkpoint at the primary depth: a row per shell.</summary>
    public static AnalysisTable Checkpoint(CheckpointAnalysisResult result, Checkpoint checkpoint)
    {
        var depth = PrimaryDepth(result);
        var probe = result.Probes.Single(p => p.Checkpoint == checkpoint && p.LanczosSteps == depth);
        var title = $"Step {NumberText.Step(checkpoint.Step)} · {checkpoint.Name} · m = {depth} · {probe.Batches} batches";
        if (probe.Snapshot is not { } snapshot)
        {
            return new AnalysisTable(title, ["shell"], [], [$"The probe failed: {probe.Failure}"]);
        }

        var others = result.Depths.Take(result.Depths.Count - 1).ToArray();
        var sweep = result.DepthSensitivity.FirstOrDefault(s => s.Checkpoint == checkpoint);
        string[] headers =
        [
            "shell α", "λ from", "λ to", "energy", "sd over batches", "batch min–max", "certified", "nodes",
            .. others.Select(m => $"energy at m = {m}"),
        ];
        var rows = snapshot.Shells.Select((shell, i) =>
        {
            var spread = i < probe.BatchSpread.Count ? probe.BatchSpread[i] : null;
            var atDepth = sweep?.Shells.FirstOrDefault(s => s.Index == shell.Index);
            return (string[])
            [
                shell.Index.ToString(CultureInfo.InvariantCulture),
                NumberText.Format(shell.LambdaLower),
                NumberText.Format(shell.LambdaUpper),
                NumberText.Format(shell.Estimate),
                NumberText.Format(spread?.StandardDeviation ?? double.NaN),
                spread is null ? NumberText.Unknown : $"{NumberText.Format(spread.Min, 2)}–{NumberText.Format(spread.Max, 2)}",
                NumberText.Interval(shell.Lower, shell.Upper),
                shell.Occupancy?.ToString(CultureInfo.InvariantCulture) ?? NumberText.Unknown,
                .. others.Select((_, d) => atDepth is null ? NumberText.Unknown : NumberText.Format(atDepth.Estimates[d])),
            ];
        }).ToArray();

        var frontier = snapshot.Frontier;
        var fit = frontier.Fit;
        var lambda = frontier.IsDetermined
            ? $"λ_f(p = {NumberText.Format(frontier.EnergyFraction)}) = {NumberText.Format(frontier.Lambda)} {IntervalText(frontier.LambdaLower, frontier.LambdaUpper)}"
            : $"λ_f undetermined ({frontier.Reason})";
        var fitText = fit.IsDetermined
            ? $"fit: λ = {NumberText.Format(fit.Lambda)}, s = {NumberText.Format(fit.TailExponent)}, a = {NumberText.Format(fit.Amplitude)}, R² = {NumberText.Format(fit.R2)} over {fit.ShellsUsed} shells"
            : $"fit undetermined ({fit.Reason})";
        return new AnalysisTable(title, headers, rows,
        [
            $"Error energy {NumberText.Format(snapshot.ErrorEnergy)}, null energy {NumberText.Format(snapshot.NullEnergy)} below {NumberText.Format(snapshot.NullFloor)}; " +
            $"methods: {Methods(snapshot.ProbeMethods)}.",
            $"{lambda}; {fitText}.",
            $"Shape: {Shape(probe)}.",
        ]);
    }

    /// <summary>The checkpoints side by side at the primary depth.</summary>
    public static AnalysisTable Series(CheckpointAnalysisResult result)
    {
        var depth = PrimaryDepth(result);
        var rows = result.ProbesAt(depth).Select(p => p.Snapshot is not { } s
            ? (string[])[NumberText.Step(p.Checkpoint.Step), "failed", "", "", "", "", "", "", "", ""]
            : [
                NumberText.Step(p.Checkpoint.Step),
                NumberText.Format(s.ErrorEnergy),
                NumberText.Format(s.Frontier.Lambda),
                IntervalText(s.Frontier.LambdaLower, s.Frontier.LambdaUpper),
                NumberText.Format(s.Frontier.Fit.Lambda),
                NumberText.Format(s.Frontier.Fit.TailExponent),
                NumberText.Format(s.Frontier.Fit.R2),
                OutcomeText(p.Unimodality?.Outcome),
                $"{p.BatchUnimodality.Count(o => o == UnimodalityOutcome.Unimodal)}/{p.BatchUnimodality.Count}",
                s.Assessment.Regime.ToWireName(),
            ]).ToArray();
        return new AnalysisTable($"Checkpoints at m = {depth}",
            ["step", "error energy", "λ_f", "certified", "fit λ", "fit s", "fit R²", "profile", "batches unimodal", "regime"], rows,
            [$"λ_f: the eigenvalue above which a fraction p of the non-null error energy lies; fit: ln E = a + s·x − exp(x − ln λ) over the shells. " +
             "The regime at each checkpoint is judged from the checkpoints before it, as a live run's is from its probes."]);
    }

    /// <summary>The frontier's displacement between consecutive checkpoints at one depth.</summary>
    public static AnalysisTable Displacement(CheckpointAnalysisResult result, FrontierDisplacementSeries series)
    {
        var rows = series.Intervals.Select(i => (string[])
        [
            $"{NumberText.Step(i.FromStep)} → {NumberText.Step(i.ToStep)}",
            NumberText.Format(i.DeltaLogStep),
            NumberText.Format(i.DeltaLogLambda),
            NumberText.Interval(i.DeltaLogLambdaLower, i.DeltaLogLambdaUpper),
            NumberText.Format(i.Ratio),
            NumberText.Format(i.FitDeltaLogLambda),
            NumberText.Format(i.FitRatio),
        ]).ToArray();
        return new AnalysisTable($"Frontier displacement at m = {series.LanczosSteps}",
            ["interval", "Δ ln t", "Δ ln λ_f", "certified", "Δ ln λ_f / Δ ln t", "fit Δ ln λ", "fit Δ ln λ / Δ ln t"], rows,
            [
                $"d ln λ_f / d ln t = {NumberText.Format(series.Slope)} by least squares over {series.SlopeCheckpoints} checkpoints " +
                $"(frontier velocity c = {NumberText.Format(-series.Slope)}; 1 under frozen-kernel gradient descent); " +
                $"fit: {NumberText.Format(series.FitSlope)} over {series.FitSlopeCheckpoints}.",
            ]);
    }

    /// <summary>Per checkpoint, the largest change of any shell from the smallest depth to the largest.</summary>
    public static AnalysisTable DepthSweep(CheckpointAnalysisResult result)
    {
        var (from, to) = (result.Depths[0], result.Depths[^1]);
        var rows = result.DepthSensitivity.Select(s => (string[])
        [
            NumberText.Step(s.Checkpoint.Step),
            NumberText.Format(s.MaxChange),
            NumberText.Format(s.MaxChangeRelative),
            s.MaxChangeShell?.ToString(CultureInfo.InvariantCulture) ?? NumberText.Unknown,
            s.ShellsWithDisjointBounds.ToString(CultureInfo.InvariantCulture),
            s.IsExact ? "exact (m unused)" : "Lanczos",
        ]).ToArray();
        return new AnalysisTable($"Depth sweep: m = {from} against m = {to}",
            ["step", "largest shell change", "over error energy", "in shell", "shells with disjoint bounds", "path"], rows,
            [$"Depths {string.Join(", ", result.Depths)}; each shell's energy at every depth is in the checkpoint tables. " +
             "Disjoint bounds would contradict the certification (both intervals contain the shell's energy)."]);
    }

    /// <summary>The unimodality verdict with its reason and the batches' outcomes.</summary>
    public static string Shape(CheckpointProbe probe) => probe.Unimodality is not { } verdict
        ? "not judged"
        : $"{OutcomeText(verdict.Outcome)} ({verdict.Reason}); batch profiles: " +
          $"{probe.BatchUnimodality.Count(o => o == UnimodalityOutcome.Unimodal)} unimodal, " +
          $"{probe.BatchUnimodality.Count(o => o == UnimodalityOutcome.NotUnimodal)} not, " +
          $"{probe.BatchUnimodality.Count(o => o == UnimodalityOutcome.Undecided)} undecided of {probe.BatchUnimodality.Count}";

    /// <summary>The wire name of an outcome.</summary>
    public static string OutcomeText(UnimodalityOutcome? outcome) => outcome switch
    {
        UnimodalityOutcome.Unimodal => "unimodal",
        UnimodalityOutcome.NotUnimodal => "not unimodal",
        UnimodalityOutcome.Undecided => "undecided",
        _ => NumberText.Unknown,
    };

    private static string IntervalText(double lower, double upper) => lower == upper ? "(exact)" : NumberText.Interval(lower, upper);

    private static string Methods(IReadOnlyList<ProbeMethod> methods) =>
        string.Join(", ", methods.GroupBy(m => m).Select(g => $"{ProbeMethodNames.ToWireName(g.Key)} × {g.Count()}"));
}
