namespace Validation.Scenarios;

/// <summary>
/// One run scored against its ground truth, per probe of the monitor's history. The onset probe is the last probe with
/// step ≤ onset (index 0 when the scenario has no onset: the event is the start of the run).
/// </summary>
internal sealed class RunScore
{
    private readonly double[] _heldOut;

    public RunScore(ScenarioRun run)
    {
        Run = run;
        _heldOut = [.. run.Probes.Select(p => p.HeldOutLoss)];
        OnsetIndex = run.Definition.Onset is { } onset ? run.Probes.LastOrDefault(p => p.Step <= onset)?.Index ?? 0 : 0;
        var minimum = run.Curve.Where(p => double.IsFinite(p.HeldOut)).DefaultIfEmpty(new LossPoint(0, double.NaN, double.NaN)).MinBy(p => p.HeldOut);
        HeldOutMinimumStep = minimum.Step;
    }

    public ScenarioRun Run { get; }

    public ScenarioDefinition Definition => Run.Definition;

    public IReadOnlyList<ProbeRecord> Probes => Run.Probes;

    public int OnsetIndex { get; }

    public int ProbesAfterOnset => Probes.Count - OnsetIndex;

    /// <summary>
    /// Whether some probe interval lies wholly after the onset (its starting probe at or after the onset step): only then has
    /// any probe seen the changed run alone. A log-spaced schedule whose last probe is the first after a late onset sees a
    /// mix of before and after and nothing else, so neither the monitor nor a baseline can tell a stall there.
    /// </summary>
    public bool OnsetObservable => Definition.Onset is not { } onset || Probes.Zip(Probes.Skip(1)).Any(pair => pair.First.Step >= onset);

    /// <summary>Step of the lowest held-out loss on the harness's dense evaluation curve.</summary>
    public long HeldOutMinimumStep { get; }

    /// <summary>The first probe labelled with an alert state, anywhere in the run.</summary>
    public ProbeRecord? FirstAlert => Probes.FirstOrDefault(p => AlertStates.IsAlert(p.Regime));

    /// <summary>The detection of <paramref name="state"/> by the monitor.</summary>
    public Detection Monitor(string state) => Detect(p => p.Regime == state);

    /// <summary>The detection by a baseline rule on the held-out loss at the monitor's probe steps.</summary>
    public Detection Baseline(BaselineKind kind)
    {
        var alerts = Baselines.Alerts(kind, _heldOut);
        return Detect(p => alerts[p.Index - 1]);
    }

    /// <summary>The probes a group's accuracy is taken over.</summary>
    public IReadOnlyList<ProbeRecord> Window(GroupExpectation expectation) => expectation.Window switch
    {
        ProbeWindow.PostWarmUp => [.. Probes.Where(p => p.Index >= GroupExpectation.FirstScoredProbe)],
        ProbeWindow.FromOnset => [.. Probes.Where(AtOrAfterOnset)],
        ProbeWindow.FromHeldOutMinimum => [.. Probes.Where(p => p.Index >= GroupExpectation.FirstScoredProbe && p.Step >= HeldOutMinimumStep)],
        _ => throw new ArgumentOutOfRangeException(nameof(expectation), expectation.Window, "Unknown window."),
    };

    /// <summary>Probes in the group's window labelled with one of its accurate states, and the window's size.</summary>
    public (int Right, int Total) Accuracy(GroupExpectation expectation)
    {
        var window = Window(expectation);
        return (window.Count(p => expectation.AccurateStates.Contains(p.Regime)), window.Count);
    }

    /// <summary>
    /// Probes after the first <c>unstable</c> at or after the onset that are not <c>unstable</c> while the held-out loss is
    /// still above 1.5 × the best held-out loss before the onset (or non-finite): the monitor let go of a broken run.
    /// </summary>
    public int ReleasedWhileBroken()
    {
        var first = Probes.FirstOrDefault(p => AtOrAfterOnset(p) && p.Regime == AlertStates.Unstable);
        if (first is null)
        {
            return 0;
        }

        var bestBefore = BestHeldOutBeforeOnset();
        return Probes.Count(p => p.Index > first.Index && p.Regime != AlertStates.Unstable && !(p.HeldOutLoss <= 1.5 * bestBefore));
    }

    /// <summary>The lowest finite held-out loss the harness measured before the onset step.</summary>
    public double BestHeldOutBeforeOnset() =>
        Run.Curve.Where(p => p.Step < (Definition.Onset ?? long.MaxValue) && double.IsFinite(p.HeldOut)).Select(p => p.HeldOut).DefaultIfEmpty(double.NaN).Min();

    private bool AtOrAfterOnset(ProbeRecord probe) => Definition.Onset is not { } onset || probe.Step >= onset;

    private Detection Detect(Func<ProbeRecord, bool> hit) =>
        new(Probes.FirstOrDefault(p => AtOrAfterOnset(p) && hit(p)) is { } found ? found.Index - OnsetIndex : null, ProbesAfterOnset + 1);
}
