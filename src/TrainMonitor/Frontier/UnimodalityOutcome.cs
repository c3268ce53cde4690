namespace TrainMonitor.Frontier;

/// <summary>What the unimodality check says of a shell profile (<see cref="UnimodalityVerdict"/>).</summary>
public enum UnimodalityOutcome
{
    /// <summary>No dip deeper than the tolerance: one mode, the shape the amplitude–frontier model assumes.</summary>
    Unimodal,

    /// <summary>The certified bounds prove a dip deeper than the tolerance between two peaks.</summary>
    NotUnimodal,

    /// <summary>The profile cannot be judged: too few shells carry energy, or an energy is not finite.</summary>
    Undecided,
}
