namespace TrainMonitor.Checkpoints;

/// <summary>Where a checkpoint analysis stands: reported when a checkpoint's probe starts and after each of its batches.</summary>
/// <param name="LanczosSteps">The depth m being run.</param>
/// <param name="DepthIndex">Its position among the depths (from 0).</param>
/// <param name="DepthCount">How many depths the analysis runs.</param>
/// <param name="Checkpoint">The checkpoint being probed.</param>
/// <param name="CheckpointIndex">Its position in the series (from 0).</param>
/// <param name="CheckpointCount">How many checkpoints the series holds.</param>
/// <param name="BatchesMeasured">Batches of this probe measured so far.</param>
/// <param name="BatchCount">Batches per probe.</param>
public readonly record struct CheckpointAnalysisProgress(int LanczosSteps, int DepthIndex, int DepthCount, Checkpoint Checkpoint, int CheckpointIndex,
    int CheckpointCount, int BatchesMeasured, int BatchCount)
{
    /// <summary>Batches measured over the whole analysis (depths × checkpoints × batches).</summary>
    public long Completed => (((long)DepthIndex * CheckpointCount) + CheckpointIndex) * BatchCount + BatchesMeasured;

    /// <summary>Batches the whole analysis measures.</summary>
    public long Total => (long)DepthCount * CheckpointCount * BatchCount;
}
