namespace TrainMonitor.Checkpoints;

/// <summary>The one rule for a series, however it was gathered: ordered by step, no two checkpoints at one step.</summary>
internal static class StepOrder
{
    /// <summary>
    /// <paramref name="checkpoints"/> ordered by step; an <see cref="ArgumentException"/> for <paramref name="parameterName"/>
    /// naming both files when two share a step.
    /// </summary>
    public static Checkpoint[] Of(IEnumerable<Checkpoint> checkpoints, string parameterName)
    {
        var series = checkpoints.OrderBy(c => c.Step).ToArray();
        for (var i = 1; i < series.Length; i++)
        {
            if (series[i].Step == series[i - 1].Step)
            {
                throw new ArgumentException($"Two checkpoints have step {series[i].Step}: {series[i - 1].Path} and {series[i].Path}.", parameterName);
            }
        }

        return series;
    }
}
