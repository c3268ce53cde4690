using TrainMonitor.Regimes;

namespace TrainMonitor.Plots.Tests;

public sealed class RegimePaletteTests
{
    public static TheoryData<TrainingRegime> Regimes => [.. TrainingRegimeNames.All];

    [Theory]
    [MemberData(nameof(Regimes))]
    public void Every_regime_has_a_colour_of_its_own_not_the_fallback(TrainingRegime regime)
    {
        Assert.Matches("^#[0-9a-f]{6}$", RegimePalette.Hex(regime));
        Assert.NotEqual("#000000", RegimePalette.Hex(regime));
        Assert.NotEqual("default", RegimePalette.Markup(regime));
    }

    [Fact]
    public void No_two_regimes_share_a_colour_in_the_plots_or_in_the_terminal()
    {
        // A timeline is read by colour; two regimes in one colour (e.g. overfitting in lazy_stagnant's orange) would merge.
        Assert.Equal(TrainingRegimeNames.All.Count, TrainingRegimeNames.All.Select(RegimePalette.Hex).Distinct().Count());
        Assert.Equal(TrainingRegimeNames.All.Count, TrainingRegimeNames.All.Select(RegimePalette.Markup).Distinct().Count());
    }

    [Fact]
    public void The_colours_readers_know_stay_where_they_were()
    {
        Assert.Equal("#d62728", RegimePalette.Hex(TrainingRegime.Unstable));
        Assert.Equal("#ff7f0e", RegimePalette.Hex(TrainingRegime.LazyStagnant));
        Assert.Equal(("red", "darkorange"), (RegimePalette.Markup(TrainingRegime.Unstable), RegimePalette.Markup(TrainingRegime.LazyStagnant)));
    }
}
