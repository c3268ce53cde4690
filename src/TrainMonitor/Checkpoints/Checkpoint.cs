namespace TrainMonitor.Checkpoints;

/// <summary>One saved state of a training run: the optimiser step it was taken at and the file that holds it.</summary>
public sealed record Checkpoint
{
    /// <summary>A checkpoint of step <paramref name="step"/> (at least 1) saved at <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is below 1: ln t, the axis of the frontier's motion, needs t ≥ 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public Checkpoint(long step, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (step < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step,
                $"The step of checkpoint '{path}' must be at least 1: the frontier's displacement is measured against ln t.");
        }

        Step = step;
        Path = path;
    }

    /// <summary>The optimiser step the checkpoint was saved at.</summary>
    public long Step { get; }

    /// <summary>The file that holds it.</summary>
    public string Path { get; }

    /// <summary>The file's name, for tables and messages.</summary>
    public string Name => System.IO.Path.GetFileName(Path);
}
