using System.Globalization;
using TrainMonitor.Checkpoints;
using TrainMonitor.Frontier;

namespace TrainMonitor.Testing;

/// <summary>
/// Assertions on the protocol's results over a checkpoint series (<see cref="CheckpointAnalysis"/>), so a test project
/// can require of saved checkpoints what <see cref="MonitoredRun"/> requires of a live run. Each returns the result, so
/// assertions chain, and throws <see cref="TrainingDynamicsAssertionException"/> naming the checkpoints at fault.
/// </summary>
public static class CheckpointAnalysisAssertions
{
    /// <summary>Every probe of every depth produced a snapshot.</summary>
    public static CheckpointAnalysisResult AssertNoFailedProbes(this CheckpointAnalysisResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var failed = result.Probes.Where(p => !p.Succeeded).ToArray();
        return failed.Length == 0
            ? result
            : throw new TrainingDynamicsAssertionException(
                $"No checkpoint probe may fail, but {failed.Length} of {result.Probes.Count} did: " +
                string.Join("; ", failed.Select(p => $"step {p.Checkpoint.Step} at m = {p.LanczosSteps}: {p.Failure}")) + ".");
    }

    /// <summary>
    /// The batch-averaged profile of every checkpoint is unimodal (<see cref="UnimodalityVerdict"/>) at
    /// <paramref name="lanczosSteps"/> (default: the deepest depth); a failed or undecided probe fails the assertion.
    /// </summary>
    public static CheckpointAnalysisResult AssertUnimodalProfiles(this CheckpointAnalysisResult result, int? lanczosSteps = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var depth = Depth(result, lanczosSteps);
        var wrong = result.ProbesAt(depth).Where(p => p.Unimodality?.Outcome != UnimodalityOutcome.Unimodal).ToArray();
        return wrong.Length == 0
            ? result
            : throw new TrainingDynamicsAssertionException(
                $"Every checkpoint's profile at m = {depth} must be unimodal, but {wrong.Length} of {result.Checkpoints.Count} are not: " +
                string.Join("; ", wrong.Select(p => $"step {p.Checkpoint.Step}: " + (p.Unimodality is { } v ? $"{v.Outcome} ({v.Reason})" : $"failed ({p.Failure})"))) + ".");
    }

    /// <summary>
    /// The least-squares slope d ln λ_f / d ln t of the quantile frontier over the series lies in
    /// [<paramref name="minimum"/>, <paramref name="maximum"/>] at <paramref name="lanczosSteps"/> (default: the deepest
    /// depth). −1 is frozen-kernel gradient descent; a frontier that does not move has slope 0.
    /// </summary>
    public static CheckpointAnalysisResult AssertFrontierSlopeBetween(this CheckpointAnalysisResult result, double minimum, double maximum,
        int? lanczosSteps = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!(minimum <= maximum))
        {
            throw new ArgumentException($"The range [{F(minimum)}, {F(maximum)}] is empty.", nameof(maximum));
        }

        var depth = Depth(result, lanczosSteps);
        var series = result.Displacements.Single(d => d.LanczosSteps == depth);
        if (series.Slope >= minimum && series.Slope <= maximum)
        {
            return result;
        }

        var intervals = string.Join(", ", series.Intervals.Select(i => $"{i.FromStep}→{i.ToStep}: {F(i.Ratio)}"));
        throw new TrainingDynamicsAssertionException(double.IsNaN(series.Slope)
            ? $"The frontier's slope d ln λ_f / d ln t at m = {depth} must lie in [{F(minimum)}, {F(maximum)}], but it is undetermined: λ_f was determined at {series.SlopeCheckpoints} checkpoint(s), and a slope needs 2."
            : $"The frontier's slope d ln λ_f / d ln t at m = {depth} must lie in [{F(minimum)}, {F(maximum)}], but it is {F(series.Slope)} over {series.SlopeCheckpoints} checkpoints (per interval: {intervals}).");
    }

    /// <summary>
    /// No shell of any checkpoint changes by more than <paramref name="maxRelativeChange"/> of the error energy from the
    /// smallest Lanczos depth to the largest, and the two depths' certified intervals overlap in every shell.
    /// </summary>
    /// <exception cref="ArgumentException">The analysis ran at one depth only.</exception>
    public static CheckpointAnalysisResult AssertDepthSweepWithin(this CheckpointAnalysisResult result, double maxRelativeChange)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Depths.Count < 2)
        {
            throw new ArgumentException($"The analysis ran at one depth (m = {result.Depths[0]}); a depth sweep needs at least two.", nameof(result));
        }

        var wrong = result.DepthSensitivity.Where(s => !(s.MaxChangeRelative <= maxRelativeChange) || s.ShellsWithDisjointBounds > 0).ToArray();
        var missing = result.Checkpoints.Where(c => result.DepthSensitivity.All(s => s.Checkpoint != c)).ToArray();
        if (wrong.Length == 0 && missing.Length == 0)
        {
            return result;
        }

        var parts = wrong.Select(s => $"step {s.Checkpoint.Step}: {F(s.MaxChangeRelative)} of the error energy in shell {s.MaxChangeShell}" +
                                      (s.ShellsWithDisjointBounds > 0 ? $", {s.ShellsWithDisjointBounds} shell(s) with disjoint bounds" : string.Empty))
            .Concat(missing.Select(c => $"step {c.Step}: no sweep (a probe failed)"));
        throw new TrainingDynamicsAssertionException(
            $"From m = {result.Depths[0]} to m = {result.Depths[^1]} no shell may change by more than {F(maxRelativeChange)} of the error energy, " +
            $"with overlapping certified bounds; {string.Join("; ", parts)}.");
    }

    private static int Depth(CheckpointAnalysisResult result, int? lanczosSteps)
    {
        var depth = lanczosSteps ?? result.Depths[^1];
        return result.Depths.Contains(depth)
            ? depth
            : throw new ArgumentException($"The analysis did not run at m = {depth}; it ran at {string.Join(", ", result.Depths)}.", nameof(lanczosSteps));
    }

    private static string F(double x) => x.ToString("G4", CultureInfo.InvariantCulture);
}
