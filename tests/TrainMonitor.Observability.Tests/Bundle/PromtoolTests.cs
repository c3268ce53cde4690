using TrainMonitor.Observability.Tests.PrometheusServer;

namespace TrainMonitor.Observability.Tests.Bundle;

/// <summary>The shipped scrape configuration and alert rules, checked by the real promtool (Debian's prometheus package).</summary>
public sealed class PromtoolTests
{
    [SkippableFact]
    public async Task ScrapeConfigurationAndTheRuleFileItNamesPassPromtoolCheckConfig()
    {
        var (exitCode, output) = await PromtoolRun.RunAsync(ObservabilityBundle.Directory, "check", "config", "prometheus.yml");
        Assert.True(exitCode == 0, $"promtool check config failed:{Environment.NewLine}{output}");
        Assert.Contains("1 rule files found", output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task AlertRulesPassPromtoolCheckRules()
    {
        var (exitCode, output) = await PromtoolRun.RunAsync(ObservabilityBundle.Directory, "check", "rules", "alerts.yml");
        Assert.True(exitCode == 0, $"promtool check rules failed:{Environment.NewLine}{output}");
        Assert.Contains($"{ObservabilityBundle.AlertNames().Count} rules found", output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task AlertRuleUnitTestsPassPromtoolTestRules()
    {
        var (exitCode, output) = await PromtoolRun.RunAsync(ObservabilityBundle.Directory, "test", "rules", "alerts.test.yml");
        Assert.True(exitCode == 0, $"promtool test rules failed:{Environment.NewLine}{output}");
    }

    [SkippableFact]
    public async Task PromtoolTestRulesFailsWhenARuleNoLongerMatchesItsTests()
    {
        // The unit tests can fail: the stagnation rule with a 1m instead of 10m `for` fires at 14m, where the tests
        // expect it still pending.
        var directory = Path.Combine(Path.GetTempPath(), "trainmonitor-promtool-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "alerts.yml"), ObservabilityBundle.RulesWithForDuration("1m"));
            File.Copy(ObservabilityBundle.RuleTestsPath, Path.Combine(directory, "alerts.test.yml"));
            var (exitCode, output) = await PromtoolRun.RunAsync(directory, "test", "rules", "alerts.test.yml");
            Assert.NotEqual(0, exitCode);
            Assert.Contains("alertname: TrainMonitorLazyStagnant, time: 14m", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
