namespace Validation.Scenarios;

/// <summary>
/// What a ground-truth group expects of the monitor: which labels count as right and over which probes, and, for the
/// groups with an event, the alert whose delay is measured.
/// </summary>
internal sealed record GroupExpectation(ScenarioGroup Group, IReadOnlySet<string> AccurateStates, ProbeWindow Window, string? DetectionState)
{
    /// <summary>Probes 1 and 2 are warm-up for scoring, whatever the tracker's own warm-up is.</summary>
    public const int FirstScoredProbe = 3;

    public static IReadOnlyList<GroupExpectation> All { get; } =
    [
        new(ScenarioGroup.Healthy, States(AlertStates.FeatureLearning), ProbeWindow.PostWarmUp, null),
        new(ScenarioGroup.Lazy, States(AlertStates.LazyProgressing, AlertStates.LazyStagnant), ProbeWindow.PostWarmUp, null),
        new(ScenarioGroup.Stall, States(AlertStates.LazyStagnant), ProbeWindow.FromOnset, AlertStates.LazyStagnant),
        new(ScenarioGroup.Divergence, States(AlertStates.Unstable), ProbeWindow.FromOnset, AlertStates.Unstable),
        new(ScenarioGroup.Overfitting, States(AlertStates.Overfitting), ProbeWindow.FromHeldOutMinimum, null),
        // No onset: the event is the start of the run, so the delay is the index of the first not_learning probe.
        new(ScenarioGroup.NotLearning, States(AlertStates.NotLearning), ProbeWindow.PostWarmUp, AlertStates.NotLearning),
    ];

    public static IEnumerable<GroupExpectation> Of(ScenarioDefinition definition) => All.Where(e => definition.Has(e.Group));

    public string Label => Group.ToString().ToLowerInvariant();

    private static HashSet<string> States(params string[] names) => new(names, StringComparer.Ordinal);
}
