using TrainMonitor.Outputs;

namespace Validation.Plotting;

/// <summary>Shell-energy profiles (Gauss estimates, log–log) of successive checkpoints in one chart.</summary>
internal static class ProfileFigures
{
    public static string SaveProfiles(string path, string title, IReadOnlyList<ProbeSnapshot> history, int maxCurves = 8)
    {
        // Evenly thinned in probe index, always keeping the last, so a long run stays readable.
        var stride = Math.Max(1, (int)Math.Ceiling(history.Count / (double)maxCurves));
        var picked = history.Where((_, i) => i % stride == 0 || i == history.Count - 1).Distinct();
        var series = picked.Select(h => new ChartSeries(
            $"t={h.Step}",
            h.Shells.Select(s => Math.Sqrt(s.LambdaLower * s.LambdaUpper)).ToArray(),
            h.Shells.Select(s => s.Estimate).ToArray()));
        return LogLogChart.Save(path, title, "shell centre λ", "shell energy", series);
    }
}
