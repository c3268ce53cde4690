namespace Validation.Scenarios;

/// <summary>
/// Regime wire names the benchmark reads. Compared as strings: regimes are being added to the library's enum (overfitting,
/// not_learning), and a name the current enum lacks simply never occurs.
/// </summary>
internal static class AlertStates
{
    public const string WarmingUp = "warming_up";
    public const string Unstable = "unstable";
    public const string FeatureLearning = "feature_learning";
    public const string LazyProgressing = "lazy_progressing";
    public const string LazyStagnant = "lazy_stagnant";
    public const string Overfitting = "overfitting";
    public const string NotLearning = "not_learning";

    /// <summary>The states that ask a user to act.</summary>
    public static IReadOnlySet<string> Alerts { get; } = new HashSet<string>(StringComparer.Ordinal) { Unstable, LazyStagnant, Overfitting, NotLearning };

    public static bool IsAlert(string regime) => Alerts.Contains(regime);
}
