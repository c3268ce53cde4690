using System.Text.RegularExpressions;

namespace TrainMonitor.Observability.Tests.Bundle;

/// <summary>
/// The compose file cannot be run here (no Docker); these checks only make sure it mounts files that exist in the
/// bundle and points Grafana at the Prometheus it starts.
/// </summary>
public sealed class ComposeFileTests
{
    [Fact]
    public void EveryBindMountNamesAFileOrFolderOfTheBundle()
    {
        var compose = File.ReadAllText(ObservabilityBundle.ComposePath);
        var mounts = Regex.Matches(compose, @"^\s*-\s*\./([^:\s]+):", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(["prometheus.yml", "alerts.yml", "grafana/provisioning", "grafana/dashboards"], mounts);
        Assert.All(mounts, m => Assert.True(
            File.Exists(Path.Combine(ObservabilityBundle.Directory, m)) || Directory.Exists(Path.Combine(ObservabilityBundle.Directory, m)),
            $"{m} is mounted but not in the bundle"));
    }

    [Fact]
    public void TheDockerDesktopAdviceBindsEveryInterfaceWithPlus_WhichTheExporterAccepts()
    {
        // The exporter refuses Prometheus:Host = 0.0.0.0 at start (its listener does not take it; HostedMonitorTests);
        // advice to set it would stop the user's program.
        var compose = File.ReadAllText(ObservabilityBundle.ComposePath);
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "observability.md"));
        Assert.Contains("Prometheus:Host \"+\"", compose, StringComparison.Ordinal);
        Assert.Contains("`Prometheus:Host` = `+`", docs, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"Prometheus:Host[`""]?\s*=?\s*[`""]0\.0\.0\.0", compose);
        Assert.DoesNotMatch(@"Prometheus:Host[`""]?\s*=?\s*[`""]0\.0\.0\.0", docs);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TrainMonitor.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Repository root (TrainMonitor.sln) not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void GrafanaDatasourcePointsAtThePrometheusTheComposeFileStarts()
    {
        var compose = File.ReadAllText(ObservabilityBundle.ComposePath);
        var datasource = File.ReadAllText(Path.Combine(ObservabilityBundle.Directory, "grafana", "provisioning", "datasources", "prometheus.yml"));
        var listen = Regex.Match(compose, @"--web\.listen-address=([\d.]+:\d+)").Groups[1].Value;
        Assert.Contains($"url: http://{listen}", datasource, StringComparison.Ordinal);
        Assert.Contains("timeInterval: 10s", datasource, StringComparison.Ordinal);
        Assert.Contains("scrape_interval: 10s", File.ReadAllText(ObservabilityBundle.ScrapeConfigPath), StringComparison.Ordinal);
    }
}
