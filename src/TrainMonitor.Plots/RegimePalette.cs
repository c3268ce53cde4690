using ScottPlot;
using TrainMonitor.Regimes;

namespace TrainMonitor.Plots;

/// <summary>One colour per regime, shared by the plots, the HTML page and the terminal tables.</summary>
internal static class RegimePalette
{
    /// <summary>The colour of <paramref name="regime"/> as #rrggbb.</summary>
    public static string Hex(TrainingRegime regime) => regime switch
    {
        TrainingRegime.WarmingUp => "#9e9e9e",
        TrainingRegime.Unstable => "#d62728",
        TrainingRegime.FeatureLearning => "#1f77b4",
        TrainingRegime.LazyProgressing => "#2ca02c",
        TrainingRegime.LazyStagnant => "#ff7f0e",
        _ => "#000000",
    };

    /// <summary>The colour of <paramref name="regime"/> for ScottPlot.</summary>
    public static Color Color(TrainingRegime regime) => ScottPlot.Color.FromHex(Hex(regime));

    /// <summary>The colour name Spectre.Console markup understands.</summary>
    public static string Markup(TrainingRegime regime) => regime switch
    {
        TrainingRegime.WarmingUp => "grey",
        TrainingRegime.Unstable => "red",
        TrainingRegime.FeatureLearning => "deepskyblue1",
        TrainingRegime.LazyProgressing => "green",
        TrainingRegime.LazyStagnant => "darkorange",
        _ => "default",
    };
}
