using System.Globalization;

namespace Validation.Scenarios;

/// <summary>One line of the scenario table (console and markdown): the columns the benchmark reports per run.</summary>
internal sealed record ScenarioRow(string Name, string Schedule, string GroundTruth, string Onset, int Probes, string Regimes, string FirstAlert,
    string MonitorDelay, string PlateauDelay, string DivergenceRuleDelay, string Accuracy, string Seconds, bool GroundTruthHolds)
{
    public static IReadOnlyList<string> Headers { get; } =
        ["scenario", "schedule", "ground truth", "onset", "probes", "regimes", "first alert", "monitor delay", "plateau delay", "divergence-rule delay", "accuracy", "s", "truth holds"];

    public static ScenarioRow From(RunScore score, IReadOnlyList<GroundTruthFinding> findings)
    {
        var definition = score.Definition;
        var detection = GroupExpectation.Of(definition).FirstOrDefault(e => e.DetectionState is not null);
        // The baselines are rules on an event after an onset; without one (healthy, lazy, overfit, not learning) they are not scored.
        var withOnset = definition.Onset is not null;
        var accuracy = string.Join(" ", GroupExpectation.Of(definition).Select(e =>
        {
            var (right, total) = score.Accuracy(e);
            return $"{e.Label} {right}/{total}";
        }));
        return new ScenarioRow(definition.Name, score.Run.Schedule.Name, definition.GroundTruth,
            definition.Onset?.ToString(CultureInfo.InvariantCulture) ?? "-", score.Probes.Count, RegimeSequence.Compress(score.Probes.Select(p => p.Regime)),
            score.FirstAlert is { } alert ? $"{alert.Regime}@{alert.Step}" : "-",
            detection is { DetectionState: { } state } ? score.Monitor(state).ToString() : "-",
            withOnset ? score.Baseline(BaselineKind.Plateau).ToString() : "-",
            withOnset ? score.Baseline(BaselineKind.Divergence).ToString() : "-",
            accuracy, score.Run.Seconds.ToString("0.0", CultureInfo.InvariantCulture), findings.All(f => f.Holds));
    }

    public IReadOnlyList<string> Cells =>
        [Name, Schedule, GroundTruth, Onset, Probes.ToString(CultureInfo.InvariantCulture), Regimes, FirstAlert, MonitorDelay, PlateauDelay, DivergenceRuleDelay, Accuracy, Seconds,
            GroundTruthHolds ? "yes" : "NO"];
}
