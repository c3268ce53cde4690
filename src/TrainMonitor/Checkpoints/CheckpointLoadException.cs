namespace TrainMonitor.Checkpoints;

/// <summary>A checkpoint could not be turned into a model: the message names the file and says why.</summary>
public sealed class CheckpointLoadException : Exception
{
    /// <summary>Wraps <paramref name="inner"/>, the loader's failure on <paramref name="checkpoint"/>.</summary>
    public CheckpointLoadException(Checkpoint checkpoint, Exception inner)
        : base($"Checkpoint {checkpoint?.Path} (step {checkpoint?.Step}) could not be loaded: {inner?.Message}", inner)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        Checkpoint = checkpoint;
    }

    /// <summary>The checkpoint that failed to load.</summary>
    public Checkpoint Checkpoint { get; }
}
