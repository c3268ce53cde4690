namespace TrainMonitor.Checkpoints;

/// <summary>Measures the frontier's displacement over the probes of one depth (<see cref="FrontierDisplacementSeries"/>).</summary>
internal static class DisplacementMeasurement
{
    public static FrontierDisplacementSeries Of(int depth, IReadOnlyList<CheckpointProbe> probes)
    {
        var succeeded = probes.Where(p => p.Succeeded).OrderBy(p => p.Checkpoint.Step).ToArray();
        var intervals = new List<FrontierDisplacement>();
        for (var i = 1; i < succeeded.Length; i++)
        {
            var from = succeeded[i - 1].Snapshot!;
            var to = succeeded[i].Snapshot!;
            var quantile = from.Frontier.IsDetermined && to.Frontier.IsDetermined;
            var fit = from.Frontier.Fit.IsDetermined && to.Frontier.Fit.IsDetermined;
            intervals.Add(new FrontierDisplacement(
                from.Step,
                to.Step,
                Math.Log((double)to.Step / from.Step),
                quantile ? Math.Log(to.Frontier.Lambda / from.Frontier.Lambda) : double.NaN,
                quantile ? Math.Log(to.Frontier.LambdaLower) - Math.Log(from.Frontier.LambdaUpper) : double.NaN,
                quantile ? Math.Log(to.Frontier.LambdaUpper) - Math.Log(from.Frontier.LambdaLower) : double.NaN,
                fit ? Math.Log(to.Frontier.Fit.Lambda / from.Frontier.Fit.Lambda) : double.NaN));
        }

        var (slope, used) = LogLogSlope(succeeded.Where(p => p.Snapshot!.Frontier.IsDetermined)
            .Select(p => (p.Checkpoint.Step, p.Snapshot!.Frontier.Lambda)));
        var (fitSlope, fitUsed) = LogLogSlope(succeeded.Where(p => p.Snapshot!.Frontier.Fit.IsDetermined)
            .Select(p => (p.Checkpoint.Step, p.Snapshot!.Frontier.Fit.Lambda)));
        return new FrontierDisplacementSeries(depth, intervals, slope, used, fitSlope, fitUsed);
    }

    /// <summary>Least-squares slope of ln λ against ln t, and how many points it used; NaN with fewer than two.</summary>
    internal static (double Slope, int Points) LogLogSlope(IEnumerable<(long Step, double Lambda)> points)
    {
        var xy = points.Select(p => (X: Math.Log(p.Step), Y: Math.Log(p.Lambda))).ToArray();
        if (xy.Length < 2)
        {
            return (double.NaN, xy.Length);
        }

        var meanX = xy.Average(p => p.X);
        var meanY = xy.Average(p => p.Y);
        var sxx = xy.Sum(p => (p.X - meanX) * (p.X - meanX));
        var sxy = xy.Sum(p => (p.X - meanX) * (p.Y - meanY));
        return (sxx > 0 ? sxy / sxx : double.NaN, xy.Length);
    }
}
