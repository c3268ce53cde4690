using Validation.Analysis;
using Validation.Reporting;

namespace Validation.Scenarios;

/// <summary>
/// The RESULT figures over a set of scored runs (all runs, or one schedule's). A group with no run in the set gives NaN.
/// Misses count as (probes after onset + 1) in medians and maxima, so a missed detection never looks fast.
/// </summary>
internal static class ScenarioMetrics
{
    public static void Write(IReadOnlyList<RunScore> scores, ValidationResults results, string prefix = "")
    {
        void Set(string key, double value) => results.Set(prefix + key, value);
        var healthy = Of(scores, ScenarioGroup.Healthy);
        // A stall is scored where the schedule probed at least one interval wholly after the onset (RunScore.OnsetObservable):
        // before that no probe has seen the stalled run alone. The others are counted, not hidden.
        var stallRuns = Of(scores, ScenarioGroup.Stall);
        var stall = stallRuns.Where(s => s.OnsetObservable).ToArray();
        var divergence = Of(scores, ScenarioGroup.Divergence);
        var overfit = Of(scores, ScenarioGroup.Overfitting);
        var notLearning = Of(scores, ScenarioGroup.NotLearning);

        Set("false_alarms", healthy.Sum(s => s.Probes.Count(p => AlertStates.IsAlert(p.Regime))));

        var stallMonitor = stall.Select(s => s.Monitor(AlertStates.LazyStagnant)).ToArray();
        var stallPlateau = stall.Select(s => s.Baseline(BaselineKind.Plateau)).ToArray();
        Set("stall_recall", Fraction(stallMonitor.Count(d => d.Detected), stall.Length));
        Set("stall_runs_unobservable", stallRuns.Length - stall.Length);
        Set("stall_delay_vs_baseline", Median(stallMonitor.Zip(stallPlateau, (m, p) => (double)(m.Value - p.Value))));
        Set("stall_delay_median", Median(stallMonitor.Select(d => (double)d.Value)));
        Set("plateau_delay_median", Median(stallPlateau.Select(d => (double)d.Value)));

        var divergenceMonitor = divergence.Select(s => s.Monitor(AlertStates.Unstable)).ToArray();
        Set("divergence_recall", Fraction(divergenceMonitor.Count(d => d.Detected), divergence.Length));
        Set("divergence_delay", Max(divergenceMonitor.Select(d => (double)d.Value)));
        Set("divergence_baseline_delay", Max(divergence.Select(s => (double)s.Baseline(BaselineKind.Divergence).Value)));
        Set("diverged_released_while_broken", divergence.Sum(s => s.ReleasedWhileBroken()));

        Set("lazy_accuracy", PooledAccuracy(scores, ScenarioGroup.Lazy));
        Set("rich_accuracy", PooledAccuracy(scores, ScenarioGroup.Healthy));
        Set("overfit_accuracy", PooledAccuracy(scores, ScenarioGroup.Overfitting));
        Set("overfit_as_unstable", overfit.Sum(s => s.Probes.Count(p => p.Regime == AlertStates.Unstable)));

        var notLearningMonitor = notLearning.Select(s => s.Monitor(AlertStates.NotLearning)).ToArray();
        Set("not_learning_recall", Fraction(notLearningMonitor.Count(d => d.Detected), notLearning.Length));
        // The delay from the start of the run is the first not_learning probe's index; the worst run is reported.
        Set("not_learning_delay", Max(notLearningMonitor.Select(d => (double)d.Value)));

        Set("scenarios", scores.Select(s => s.Definition.Name).Distinct().Count());
        Set("runs", scores.Count);
        Set("seconds", Math.Round(scores.Sum(s => s.Run.Seconds)));
    }

    private static RunScore[] Of(IReadOnlyList<RunScore> scores, ScenarioGroup group) => [.. scores.Where(s => s.Definition.Has(group))];

    /// <summary>Right probes over scored probes, pooled over every run of the group (a run with more probes weighs more).</summary>
    private static double PooledAccuracy(IReadOnlyList<RunScore> scores, ScenarioGroup group)
    {
        var expectation = GroupExpectation.All.Single(e => e.Group == group);
        var counts = Of(scores, group).Select(s => s.Accuracy(expectation)).ToArray();
        return Fraction(counts.Sum(c => c.Right), counts.Sum(c => c.Total));
    }

    private static double Fraction(int part, int whole) => whole == 0 ? double.NaN : part / (double)whole;

    private static double Median(IEnumerable<double> values) => Statistics.Median(values);

    private static double Max(IEnumerable<double> values) => values.DefaultIfEmpty(double.NaN).Max();
}
