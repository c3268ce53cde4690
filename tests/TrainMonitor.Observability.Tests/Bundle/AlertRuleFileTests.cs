using System.Text.RegularExpressions;
using TrainMonitor.Regimes;

namespace TrainMonitor.Observability.Tests.Bundle;

/// <summary>Structure of alerts.yml and alerts.test.yml that promtool does not enforce.</summary>
public sealed partial class AlertRuleFileTests
{
    public static TheoryData<string> Alerts => [.. ObservabilityBundle.AlertNames()];

    [Fact]
    public void TheBundleDefinesTheRegimeProbeFailureAndAbsenceAlerts()
    {
        Assert.Equal(
            ["TrainMonitorLazyStagnant", "TrainMonitorUnstable", "TrainMonitorOverfitting", "TrainMonitorNotLearning", "TrainMonitorProbesFailing",
             "TrainMonitorTargetDown", "TrainMonitorMetricsMissing", "TrainMonitorAbsent"],
            ObservabilityBundle.AlertNames());
    }

    [Fact]
    public void EveryAlertStateOfTheCoreHasARuleOnItsRegimeSeries()
    {
        // The regime tracker's alert states (TrainingRegimeNames.IsAlert) are what a person must act on: each needs a rule,
        // and no rule may page on a state the core does not call an alert.
        var rules = File.ReadAllText(ObservabilityBundle.RulesPath);
        var paged = RegimeSelector().Matches(rules).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var alerts = TrainingRegimeNames.All.Where(r => r.IsAlert()).Select(r => r.ToWireName()).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(alerts.Order(), paged.Order());
    }

    [Theory]
    [InlineData("TrainMonitorLazyStagnant", "lazy_stagnant", "warning")]
    [InlineData("TrainMonitorUnstable", "unstable", "critical")]
    [InlineData("TrainMonitorOverfitting", "overfitting", "warning")]
    [InlineData("TrainMonitorNotLearning", "not_learning", "warning")]
    public void EachRegimeAlertSelectsItsStateWithItsSeverity(string alert, string regime, string severity)
    {
        var block = RuleBlock(alert);
        Assert.Contains($"expr: max by (job, instance, run) (trainmonitor_regime{{regime=\"{regime}\"}}) == 1\n", block, StringComparison.Ordinal);
        Assert.Contains($"severity: {severity}\n", block, StringComparison.Ordinal);
    }

    [Fact]
    public void TheNewRegimeAlertsWaitAsLongAsTheStagnationAlert()
    {
        // Overfitting and not learning are, like a stall, states that hold for many probes: the same `for` absorbs scrape
        // gaps without delaying the page more than the stagnation alert does.
        var stagnant = ForDuration().Match(RuleBlock("TrainMonitorLazyStagnant")).Groups[1].Value;
        Assert.Equal(stagnant, ForDuration().Match(RuleBlock("TrainMonitorOverfitting")).Groups[1].Value);
        Assert.Equal(stagnant, ForDuration().Match(RuleBlock("TrainMonitorNotLearning")).Groups[1].Value);
    }

    [Theory]
    [MemberData(nameof(Alerts))]
    public void EveryAlertHasForSeveritySummaryDescriptionAndRunbook(string alert)
    {
        var block = RuleBlock(alert);
        Assert.Matches(@"\n\s+for: \d+[smh]\s*\n", block);
        Assert.Matches(@"\n\s+severity: (warning|critical)\s*\n", block);
        Assert.Matches(@"\n\s+summary: ", block);
        Assert.Matches(@"\n\s+description: ", block);
        var runbook = Regex.Match(block, @"\n\s+runbook: ""docs/observability\.md#(\w+)""");
        Assert.True(runbook.Success, $"{alert} has no runbook annotation pointing into docs/observability.md");
        Assert.Equal(alert.ToLowerInvariant(), runbook.Groups[1].Value);
    }

    [Theory]
    [MemberData(nameof(Alerts))]
    public void EveryAlertIsExpectedToFireAndNotToFireInThePromtoolTests(string alert)
    {
        var tests = File.ReadAllText(ObservabilityBundle.RuleTestsPath);
        var cases = Regex.Matches(tests, $@"alertname: {alert}\s*\n\s*exp_alerts:(\s*\[\])?").ToArray();
        Assert.Contains(cases, c => c.Groups[1].Success);   // a case where it must not be active
        Assert.Contains(cases, c => !c.Groups[1].Success);  // a case where it must fire
    }

    [Fact]
    public void AnyRuleOnTheFrontierSelectsItsEstimate()
    {
        // frontier_lambda carries estimate/lower/upper series (upper may be +Inf): a rule without bound="estimate" would
        // compare all three, or match several series per run. No shipped rule uses it today; this keeps a new one honest.
        foreach (var path in new[] { ObservabilityBundle.RulesPath, ObservabilityBundle.RuleTestsPath })
        {
            foreach (Match use in FrontierSelector().Matches(File.ReadAllText(path)))
            {
                Assert.True(
                    use.Groups[1].Success && use.Groups[1].Value.Contains("bound=\"estimate\"", StringComparison.Ordinal),
                    $"{Path.GetFileName(path)}: '{use.Value}' does not select bound=\"estimate\"");
            }
        }

        Assert.Empty(FrontierSelector().Matches("trainmonitor_frontier_lambda_other{run=\"r\"}"));
        Assert.Single(FrontierSelector().Matches("max(trainmonitor_frontier_lambda{run=\"r\"}) > 1"));
    }

    [Fact]
    public void ScrapeConfigurationUsesTheJobNameTheRulesSelectAndLoadsTheRuleFile()
    {
        var config = File.ReadAllText(ObservabilityBundle.ScrapeConfigPath);
        Assert.Contains($"job_name: {ObservabilityBundle.JobName}", config, StringComparison.Ordinal);
        Assert.Contains("- alerts.yml", config, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:9464", config, StringComparison.Ordinal); // TrainMonitorMetricServer's default
        Assert.Contains($"job=\"{ObservabilityBundle.JobName}\"", File.ReadAllText(ObservabilityBundle.RulesPath), StringComparison.Ordinal);
    }

    private static string RuleBlock(string alert)
    {
        var text = File.ReadAllText(ObservabilityBundle.RulesPath);
        var start = text.IndexOf($"- alert: {alert}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{alert} not found");
        var next = NextRule().Match(text, start + 1);
        return text[start..(next.Success ? next.Index : text.Length)];
    }

    [GeneratedRegex(@"(- alert: |\n  - name: )")]
    private static partial Regex NextRule();

    [GeneratedRegex(@"\btrainmonitor_frontier_lambda\b(\{[^}]*\})?")]
    private static partial Regex FrontierSelector();

    [GeneratedRegex(@"trainmonitor_regime\{regime=""(\w+)""\}")]
    private static partial Regex RegimeSelector();

    [GeneratedRegex(@"\n\s+for: (\d+[smh])\s*\n")]
    private static partial Regex ForDuration();
}
