using System.Globalization;
using ScottPlot;
using TrainMonitor.Outputs;
using TrainMonitor.Plots;

namespace TrainMonitor.Testing;

/// <summary>
/// The PNG plots of a run's artifacts: the figures the trainmonitor report draws (TrainMonitor.Plots), at the size the
/// artifacts have always had, with the legend inside the data area (900 pixels leave no room beside it) and titled with
/// the run's name, since a folder of artifacts holds many runs.
/// </summary>
internal static class RunPlots
{
    private const int Width = 900;
    private const int Height = 600;

    /// <summary>Shell profiles at up to <see cref="CheckpointSelection.OverlaidProfiles"/> probes spread over the run, with their certified bounds.</summary>
    public static byte[] Profiles(IReadOnlyList<ProbeSnapshot> snapshots, string runName)
    {
        var checkpoints = CheckpointSelection.Spread(snapshots, CheckpointSelection.OverlaidProfiles);
        var holdsEnergy = snapshots.Any(s => s.Shells.Any(x => x.Estimate > 0));
        var title = holdsEnergy
            ? $"{runName}\nshell profiles at {checkpoints.Count} of {snapshots.Count} probes"
            : $"{runName}\nshell profiles (no shell holds energy at any probe)";
        var profiles = checkpoints.Select(s => (string.Create(CultureInfo.InvariantCulture, $"step {s.Step}"), s)).ToArray();
        return Render(ProfilePlot.Overlay(title, profiles, legendPlacement: LegendPlacement.Inside(Alignment.UpperRight)), title);
    }

    /// <summary>
    /// The quantile frontier λ_f against step in the band of its certified interval, the fit's λ as open diamonds, λ_max
    /// and α₁; the title counts the probes where λ_f was undetermined or had no certified upper end (a PNG has no caption).
    /// </summary>
    public static byte[] Frontier(IReadOnlyList<ProbeSnapshot> snapshots, string runName)
    {
        // Lower left: the frontier falls from upper left to lower right, and λ_max runs along the top.
        var plot = FrontierPlot.Create(Series(snapshots, runName), LegendPlacement.Inside(Alignment.LowerLeft));
        var undetermined = snapshots.Count(s => !s.Frontier.IsDetermined);
        var unbounded = snapshots.Count(s => s.Frontier.IsDetermined && double.IsPositiveInfinity(s.Frontier.LambdaUpper));
        var notes = new List<string>();
        if (undetermined > 0)
        {
            notes.Add($"undetermined at {undetermined} of {snapshots.Count} probes");
        }

        if (unbounded > 0)
        {
            notes.Add($"∞ upper end at {unbounded}, clipped to the top");
        }

        return Render(plot, notes.Count == 0 ? $"{runName}\nresolution frontier" : $"{runName}\nresolution frontier ({string.Join("; ", notes)})");
    }

    /// <summary>Error energy, its part below the null floor, the training loss and the held-out loss against step.</summary>
    public static byte[] ErrorEnergy(IReadOnlyList<ProbeSnapshot> snapshots, string runName)
    {
        var plot = StepSeriesPlot.ErrorEnergy(Series(snapshots, runName), LegendPlacement.Inside(Alignment.UpperRight));
        return Render(plot, $"{runName}\nerror energy");
    }

    /// <summary>The PNG under a two-line title, smaller than the report's one-line titles so a long run name fits.</summary>
    private static byte[] Render(Plot plot, string title)
    {
        plot.Title(title, size: 14);
        return FigureRenderer.Png(plot, Width, Height);
    }

    private static IReadOnlyList<RunSeries> Series(IReadOnlyList<ProbeSnapshot> snapshots, string runName) =>
        [new RunSeries(runName, snapshots, RunPalette.Colors[0])];
}
