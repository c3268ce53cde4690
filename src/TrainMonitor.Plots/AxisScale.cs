using ScottPlot;
using ScottPlot.TickGenerators;

namespace TrainMonitor.Plots;

/// <summary>
/// A linear or base-10 logarithmic axis. ScottPlot 5 has no logarithmic axis type: log data is plotted as log10 values
/// and the tick labels are drawn as powers of ten, with log-spaced minor ticks between them.
/// </summary>
internal sealed class AxisScale
{
    private AxisScale(bool isLog) => IsLogarithmic = isLog;

    /// <summary>A base-10 logarithmic axis; only positive values can be shown.</summary>
    public static AxisScale Logarithmic { get; } = new(true);

    /// <summary>A linear axis.</summary>
    public static AxisScale Linear { get; } = new(false);

    /// <summary>True for the logarithmic axis.</summary>
    public bool IsLogarithmic { get; }

    /// <summary>Logarithmic when every value is positive, linear otherwise (steps start at 0 in some loops).</summary>
    public static AxisScale LogarithmicIfPositive(IEnumerable<double> values) => values.All(v => v > 0) ? Logarithmic : Linear;

    /// <summary>True when <paramref name="value"/> can be drawn on this axis.</summary>
    public bool CanShow(double value) => double.IsFinite(value) && (!IsLogarithmic || value > 0);

    /// <summary>The plot coordinate of a data value (NaN when it cannot be shown).</summary>
    public double ToPlot(double value) => !CanShow(value) ? double.NaN : IsLogarithmic ? Math.Log10(value) : value;

    /// <summary>The data value of a plot coordinate.</summary>
    public double FromPlot(double coordinate) => IsLogarithmic ? Math.Pow(10, coordinate) : coordinate;

    /// <summary>Sets the tick labels of <paramref name="axis"/> to this scale.</summary>
    /// <param name="axis">The axis.</param>
    /// <param name="tickDensity">Below 1 for small figures, where a label per decade would collide.</param>
    public void Apply(IAxis axis, double tickDensity = 1)
    {
        if (!IsLogarithmic)
        {
            return;
        }

        axis.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = PowerOfTen,
            TickDensity = tickDensity,
        };
    }

    /// <summary>
    /// Widens the autoscaled limits of a logarithmic axis so that at least one power of ten lies inside: labels sit on
    /// whole decades only, and data spanning less than a decade between two of them (λ_max from 1.7 to 8) would
    /// otherwise leave the axis without a single label.
    /// </summary>
    public void IncludeADecade(Plot plot, bool vertical)
    {
        if (!IsLogarithmic)
        {
            return;
        }

        var limits = plot.Axes.GetLimits();
        var (low, high) = vertical ? (limits.Bottom, limits.Top) : (limits.Left, limits.Right);
        if (!double.IsFinite(low) || !double.IsFinite(high) || Math.Floor(high) >= low)
        {
            return;
        }

        // Extend towards the nearer decade, keeping the margin ScottPlot added on the other side.
        var below = Math.Floor(low);
        var above = Math.Ceiling(high);
        var (newLow, newHigh) = low - below <= above - high ? (below - 0.05, high) : (low, above + 0.05);
        if (vertical)
        {
            plot.Axes.SetLimitsY(newLow, newHigh);
        }
        else
        {
            plot.Axes.SetLimitsX(newLow, newHigh);
        }
    }

    /// <summary>10^k as a label: 1, 10, 100, 1000 as numbers, other powers as 10 with a superscript exponent.</summary>
    public static string PowerOfTen(double exponent)
    {
        var k = (int)Math.Round(exponent);
        if (k is >= 0 and <= 3)
        {
            return Math.Pow(10, k).ToString("0", System.Globalization.CultureInfo.InvariantCulture);
        }

        const string superscripts = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        var digits = Math.Abs(k).ToString(System.Globalization.CultureInfo.InvariantCulture).Select(d => superscripts[d - '0']);
        return "10" + (k < 0 ? "⁻" : string.Empty) + string.Concat(digits);
    }
}
