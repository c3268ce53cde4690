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
        _ => throw new ArgumentOutOfRangeException(nameof(regime), regime, "Unknown regime."),
    };

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
