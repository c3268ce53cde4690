namespace TrainMonitor.Regimes;

/// <summary>The snake_case names of regimes used in metrics labels, log properties and JSON lines.</summary>
public static class TrainingRegimeNames
{
    /// <summary>Every regime, in enum order.</summary>
    public static IReadOnlyList<TrainingRegime> All { get; } = Enum.GetValues<TrainingRegime>();

    /// <summary>The wire name of <paramref name="regime"/>, e.g. <c>lazy_stagnant</c>.</summary>
    public static string ToWireName(this TrainingRegime regime) => regime switch
    {
        TrainingRegime.WarmingUp => "warming_up",
        TrainingRegime.Unstable => "unstable",
        TrainingRegime.FeatureLearning => "feature_learning",
        TrainingRegime.LazyProgressing => "lazy_progressing",
        TrainingRegime.LazyStagnant => "lazy_stagnant",
        TrainingRegime.Overfitting => "overfitting",
        TrainingRegime.NotLearning => "not_learning",
        _ => throw new ArgumentOutOfRangeException(nameof(regime), regime, "Unknown regime."),
    };

    /// <summary>
    /// Whether <paramref name="regime"/> is an alert state — something a person should act on: <see cref="TrainingRegime.Unstable"/>,
    /// <see cref="TrainingRegime.Overfitting"/>, <see cref="TrainingRegime.LazyStagnant"/> or <see cref="TrainingRegime.NotLearning"/>.
    /// </summary>
    public static bool IsAlert(this TrainingRegime regime) =>
        regime is TrainingRegime.Unstable or TrainingRegime.Overfitting or TrainingRegime.LazyStagnant or TrainingRegime.NotLearning;

    /// <summary>Parses a wire name back to the regime.</summary>
    public static TrainingRegime Parse(string name)
    {
        foreach (var regime in All)
        {
            if (regime.ToWireName() == name)
            {
                return regime;
            }
        }

        throw new FormatException($"'{name}' is not a regime name ({string.Join(", ", All.Select(r => r.ToWireName()))}).");
    }
}
