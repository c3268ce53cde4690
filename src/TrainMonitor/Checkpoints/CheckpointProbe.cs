using TrainMonitor.Frontier;
using TrainMonitor.Outputs;
using TrainMonitor.Probing;

namespace TrainMonitor.Checkpoints;

/// <summary>
/// One checkpoint probed at one Lanczos depth: the snapshot the live monitor would have reported (profile, both
/// frontiers, the fit, regime), and what the protocol adds — the spread of each shell over the batches and the
/// unimodality verdict, on the averaged profile and on each batch's. Immutable.
/// </summary>
public sealed record CheckpointProbe
{
    /// <summary>The checkpoint probed.</summary>
    public required Checkpoint Checkpoint { get; init; }

    /// <summary>The Lanczos depth m of the probe (unused by batches that took an exact path).</summary>
    public required int LanczosSteps { get; init; }

    /// <summary>What the probe reported; null when it failed.</summary>
    public ProbeSnapshot? Snapshot { get; init; }

    /// <summary>Why the probe failed (exception type and message); null when it succeeded.</summary>
    public string? Failure { get; init; }

    /// <summary>True when the probe produced a snapshot.</summary>
    public bool Succeeded => Snapshot is not null;

    /// <summary>
    /// Unit round-off of the coarsest floating dtype among the model's trainable parameters (float32: 1.2e-7, float64:
    /// 2.2e-16): the certified bounds hold for the operator as computed, which differs from the exact M by round-off of this size.
    /// </summary>
    public double UnitRoundoff { get; init; } = double.NaN;

    /// <summary>Number of probe batches the profile averages.</summary>
    public int Batches { get; init; }

    /// <summary>The spread over the batches of every shell of <see cref="Snapshot"/>, in the same order; empty when failed or diverged.</summary>
    public IReadOnlyList<ShellBatchSpread> BatchSpread { get; init; } = [];

    /// <summary>
    /// Unimodality of the batch-averaged profile, with its reason; undecided when the probe diverged (its errors were not
    /// finite, so there is no profile); null when failed.
    /// </summary>
    public UnimodalityVerdict? Unimodality { get; init; }

    /// <summary>The unimodality outcome of each batch's own profile, in batch order; empty when failed or diverged.</summary>
    public IReadOnlyList<UnimodalityOutcome> BatchUnimodality { get; init; } = [];

    /// <summary>True when every batch took an exact path (Gram or Exact): the depth m played no part.</summary>
    public bool IsExact => Snapshot is { ProbeMethods: { Count: > 0 } methods } && methods.All(m => m != ProbeMethod.Lanczos);
}
