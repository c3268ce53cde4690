namespace Validation.Scenarios;

/// <summary>Which probes of a run a ground-truth group's accuracy is taken over.</summary>
internal enum ProbeWindow
{
    /// <summary>Probes with 1-based index ≥ <see cref="GroupExpectation.FirstScoredProbe"/> (fixed by the benchmark, not by the tracker).</summary>
    PostWarmUp,

    /// <summary>Probes at or after the onset step.</summary>
    FromOnset,

    /// <summary>Post-warm-up probes at or after the step of the minimum held-out loss (the harness's evaluation at probe steps).</summary>
    FromHeldOutMinimum,
}
