using System.Text.RegularExpressions;

namespace TrainMonitor.Observability.Tests.Bundle;

/// <summary>
/// The files of <c>examples/observability/</c>, copied next to the test assembly with their layout (see the csproj),
/// so the tests read exactly what users get.
/// </summary>
internal static partial class ObservabilityBundle
{
    /// <summary>The job name the scrape configuration uses and the availability rules select.</summary>
    public const string JobName = "trainmonitor";

    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "observability");

    public static string ScrapeConfigPath => Path.Combine(Directory, "prometheus.yml");

    public static string RulesPath => Path.Combine(Directory, "alerts.yml");

    public static string RuleTestsPath => Path.Combine(Directory, "alerts.test.yml");

    public static string DashboardPath => Path.Combine(Directory, "grafana", "dashboards", "trainmonitor.json");

    public static string ComposePath => Path.Combine(Directory, "docker-compose.yml");

    /// <summary>The names of the alerts defined in alerts.yml, in file order.</summary>
    public static IReadOnlyList<string> AlertNames() =>
        AlertLine().Matches(File.ReadAllText(RulesPath)).Select(m => m.Groups[1].Value).ToArray();

    /// <summary>
    /// alerts.yml with every <c>for:</c> duration replaced by <paramref name="duration"/>, for a live test with short
    /// intervals. Only the durations change: the expressions, labels and annotations under test are the shipped ones.
    /// </summary>
    public static string RulesWithForDuration(string duration)
    {
        var text = File.ReadAllText(RulesPath);
        var replaced = ForLine().Replace(text, m => m.Groups[1].Value + duration);
        if (ForLine().Matches(text).Count != AlertNames().Count)
        {
            throw new InvalidOperationException("Every alert in alerts.yml is expected to have a 'for:' duration.");
        }

        return replaced;
    }

    [GeneratedRegex(@"^\s*-\s*alert:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex AlertLine();

    [GeneratedRegex(@"^(\s*for:\s*)\S+\s*$", RegexOptions.Multiline)]
    private static partial Regex ForLine();
}
