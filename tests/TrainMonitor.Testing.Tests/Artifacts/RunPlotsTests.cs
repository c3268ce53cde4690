using SkiaSharp;
using static TrainMonitor.Testing.Tests.SyntheticSnapshots;

namespace TrainMonitor.Testing.Tests.Artifacts;

public sealed class RunPlotsTests
{
    private static readonly long[] Steps = [1, 2, 4, 8, 16, 32, 64];

    // The band is C0 (#1f77b4) at 20 % over white, as the trainmonitor CLI draws it.
    private static int BandPixels(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        return bitmap.Pixels.Count(p => p.Alpha == 255 && Math.Abs(p.Red - 0xd2) <= 2 && Math.Abs(p.Green - 0xe4) <= 2 && Math.Abs(p.Blue - 0xf0) <= 2);
    }

    [Fact]
    public void Frontier_plot_shades_the_certified_interval_and_leaves_exact_frontiers_without_a_band()
    {
        var lanczos = Run(Steps, t => 1.0 / t, frontier: t => 1.0 / t, interval: t => (0.3 / t, 3.0 / t)).Snapshots;
        var exact = Run(Steps, t => 1.0 / t, frontier: t => 1.0 / t).Snapshots;

        var shaded = BandPixels(RunPlots.Frontier(lanczos, "lanczos"));
        var none = BandPixels(RunPlots.Frontier(exact, "exact"));

        Assert.True(shaded > 5000, $"{shaded} band pixels");
        Assert.True(none < 1000, $"{none} band pixels where every interval is a point");
    }

    [Fact]
    public void An_unbounded_upper_end_is_drawn_to_the_top_edge()
    {
        // Only the last probe is unbounded: its band runs to the top of the plot area, above every finite value drawn.
        var snapshots = Run(Steps, t => 1.0 / t, frontier: t => 1.0 / t,
            interval: t => (0.5 / t, t == 64 ? double.PositiveInfinity : 2.0 / t)).Snapshots;
        var bounded = Run(Steps, t => 1.0 / t, frontier: t => 1.0 / t, interval: t => (0.5 / t, 2.0 / t)).Snapshots;

        Assert.True(BandPixels(RunPlots.Frontier(snapshots, "unbounded")) > BandPixels(RunPlots.Frontier(bounded, "bounded")) + 2000);
    }
}
