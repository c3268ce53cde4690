namespace TrainMonitor.Checkpoints;

/// <summary>
/// How much a checkpoint's profile depends on the Lanczos depth: every shell's energy at each depth, and the largest
/// change of any shell from the smallest depth to the largest (the protocol's m = 50 against m = 200).
/// </summary>
public sealed record DepthSensitivity
{
    /// <summary>The checkpoint.</summary>
    public required Checkpoint Checkpoint { get; init; }

    /// <summary>The depths, ascending; the sensitivity compares the first with the last.</summary>
    public required IReadOnlyList<int> Depths { get; init; }

    /// <summary>Every shell that holds energy or a bound at some depth, ascending.</summary>
    public required IReadOnlyList<ShellDepthEnergies> Shells { get; init; }

    /// <summary>max over shells of |E(largest depth) − E(smallest depth)|.</summary>
    public required double MaxChange { get; init; }

    /// <summary>The shell where <see cref="MaxChange"/> occurs; null when no shell changed.</summary>
    public int? MaxChangeShell { get; init; }

    /// <summary>The error energy of the probe at the largest depth (the same at every depth: the measure's total mass).</summary>
    public required double ErrorEnergy { get; init; }

    /// <summary><see cref="MaxChange"/> over <see cref="ErrorEnergy"/>.</summary>
    public double MaxChangeRelative => MaxChange / ErrorEnergy;

    /// <summary>
    /// Shells whose certified intervals at the smallest and the largest depth lie apart by more than the round-off slack
    /// <c>64 · u · E</c> (u: <see cref="CheckpointProbe.UnitRoundoff"/>, E: the error energy). Both contain the shell's energy
    /// under the operator as computed, which differs between the two probes only by round-off, so this is 0 unless the
    /// certification is broken.
    /// </summary>
    public required int ShellsWithDisjointBounds { get; init; }

    /// <summary>True when every batch at both depths took an exact path: the change is then 0 by construction.</summary>
    public required bool IsExact { get; init; }
}
