namespace CheckpointModels;

/// <summary>The training steps at which every fixture series was saved, and how their files are named.</summary>
public static class CheckpointSeries
{
    /// <summary>Log-spaced, like Pythia's 1k/2k/4k/8k, so early and late training are both sampled.</summary>
    public static IReadOnlyList<int> Steps { get; } = [25, 50, 100, 200, 400];

    /// <summary>File name without extension: the step zero-padded to six digits, so names sort in step order.</summary>
    public static string FileStem(int step) => $"step-{step:D6}";
}
