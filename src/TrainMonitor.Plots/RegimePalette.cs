using ScottPlot;
using TrainMonitor.Regimes;

namespace TrainMonitor.Plots;

/// <summary>One colour per regime, shared by the plots, the HTML page and the terminal tables.</summary>
/// <remarks>
/// The alert states stand out in warm or dark colours (unstable red, lazy_stagnant orange, overfitting pink, not_learning
/// purple) against the blue and green of healthy training and the grey of warm-up; every regime has its own colour, so a
/// timeline tells them apart without its legend.
/// </remarks>
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
        TrainingRegime.Overfitting => "#e377c2",
        TrainingRegime.NotLearning => "#6a3d9a",
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
        TrainingRegime.Overfitting => "hotpink",
        TrainingRegime.NotLearning => "mediumpurple",
        _ => "default",
    };
}
