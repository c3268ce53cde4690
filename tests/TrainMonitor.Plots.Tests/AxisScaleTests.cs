using ScottPlot;

namespace TrainMonitor.Plots.Tests;

public sealed class AxisScaleTests
{
    [Theory]
    [InlineData(0, "1")]
    [InlineData(3, "1000")]
    [InlineData(4, "10⁴")]
    [InlineData(-3, "10⁻³")]
    [InlineData(-12, "10⁻¹²")]
    [InlineData(1.9999999, "100")] // a tick computed as 2 − ε is still the decade 10²
    public void Decade_labels_are_plain_numbers_up_to_1000_and_powers_of_ten_beyond(double exponent, string label) =>
        Assert.Equal(label, AxisScale.PowerOfTen(exponent));

    [Fact]
    public void Data_within_one_decade_gets_a_labelled_decade_on_the_axis()
    {
        // λ_max between 1.7 and 8: log10 in [0.23, 0.90], no whole decade inside, so no label without widening.
        var plot = new Plot();
        plot.Add.Scatter(new[] { 1.0, 2.0 }, new[] { Math.Log10(1.7), Math.Log10(8) });
        plot.Axes.AutoScale();
        Assert.True(Math.Floor(plot.Axes.GetLimits().Top) < plot.Axes.GetLimits().Bottom, "precondition: no decade inside");

        AxisScale.Logarithmic.IncludeADecade(plot, vertical: true);

        var limits = plot.Axes.GetLimits();
        Assert.True(Math.Floor(limits.Top) >= limits.Bottom, $"[{limits.Bottom}, {limits.Top}] holds no whole decade");
        Assert.True(limits.Bottom <= Math.Log10(1.7) && limits.Top >= Math.Log10(8), "the data must stay inside");
    }

    [Fact]
    public void Logarithmic_scale_turns_values_it_cannot_show_into_gaps()
    {
        Assert.Equal(-3, AxisScale.Logarithmic.ToPlot(1e-3), 12);
        Assert.True(double.IsNaN(AxisScale.Logarithmic.ToPlot(0)));
        Assert.True(double.IsNaN(AxisScale.Logarithmic.ToPlot(double.NaN)));
        Assert.Equal(0, AxisScale.Linear.ToPlot(0));
        Assert.Same(AxisScale.Linear, AxisScale.LogarithmicIfPositive([0, 10, 100]));
    }
}
