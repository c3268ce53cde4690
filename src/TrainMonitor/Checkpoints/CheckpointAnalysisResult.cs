namespace TrainMonitor.Checkpoints;

/// <summary>The protocol's results over a checkpoint series: every probe, the frontier's displacement per depth and the depth sweep. Immutable.</summary>
public sealed class CheckpointAnalysisResult
{
    internal CheckpointAnalysisResult(IReadOnlyList<Checkpoint> checkpoints, IReadOnlyList<int> depths, IReadOnlyList<string> runNames,
        IReadOnlyList<CheckpointProbe> probes, IReadOnlyList<FrontierDisplacementSeries> displacements, IReadOnlyList<DepthSensitivity> depthSensitivity)
    {
        Checkpoints = checkpoints;
        Depths = depths;
        RunNames = runNames;
        Probes = probes;
        Displacements = displacements;
        DepthSensitivity = depthSensitivity;
    }

    /// <summary>The series, ordered by step.</summary>
    public IReadOnlyList<Checkpoint> Checkpoints { get; }

    /// <summary>The Lanczos depths the series was probed at, ascending.</summary>
    public IReadOnlyList<int> Depths { get; }

    /// <summary>The run name of each depth's probes, in the order of <see cref="Depths"/>.</summary>
    public IReadOnlyList<string> RunNames { get; }

    /// <summary>Every probe, depth by depth, each depth in step order.</summary>
    public IReadOnlyList<CheckpointProbe> Probes { get; }

    /// <summary>The frontier's displacement at each depth, in the order of <see cref="Depths"/>.</summary>
    public IReadOnlyList<FrontierDisplacementSeries> Displacements { get; }

    /// <summary>Per checkpoint, how its profile depends on the depth; empty with one depth.</summary>
    public IReadOnlyList<DepthSensitivity> DepthSensitivity { get; }

    /// <summary>Probes that failed (each also reported to the sinks and the log).</summary>
    public int Failures => Probes.Count(p => !p.Succeeded);

    /// <summary>The probes at <paramref name="depth"/>, in step order.</summary>
    public IReadOnlyList<CheckpointProbe> ProbesAt(int depth) => Probes.Where(p => p.LanczosSteps == depth).ToArray();
}
