using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Prometheus;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Observability.Tests.PrometheusServer;
using TrainMonitor.Probing;
using TrainMonitor.Prometheus;
using TrainMonitor.Scheduling;
using TrainMonitor.Session;
using static TorchSharp.torch;

namespace TrainMonitor.Observability.Tests.Bundle;

/// <summary>
/// A real run that diverges, exported through the real <see cref="PrometheusSink"/>: the regime gauge it serves, one
/// sample per probe, fed to the shipped alert rules by the real promtool, makes <c>TrainMonitorUnstable</c> fire.
/// </summary>
public sealed partial class DivergingRunAlertTests
{
    private const string Run = "diverging";

    [SkippableFact]
    public async Task TheUnstableAlertFiresForARunWhoseWeightsBlowUp()
    {
        PrometheusBinaries.Require("promtool");
        var samples = await RegimeGaugeSamplesAsync();

        // Probes every 5 steps, the output layer overflows after step 22: probes 1–4 finite, probe 5 (step 25) on unstable.
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1], samples);
        var firstUnstable = Array.IndexOf(samples, 1);

        // One scrape per probe, a minute apart; the rule's `for: 2m` then holds from firstUnstable + 2 minutes.
        var directory = Path.Combine(Path.GetTempPath(), "trainmonitor-diverging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            File.Copy(ObservabilityBundle.RulesPath, Path.Combine(directory, "alerts.yml"));
            await File.WriteAllTextAsync(Path.Combine(directory, "diverging.test.yml"), RuleTest(samples, firstUnstable));
            var (exitCode, output) = await PromtoolRun.RunAsync(directory, "test", "rules", "diverging.test.yml");
            Assert.True(exitCode == 0, $"promtool test rules failed:{Environment.NewLine}{output}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Trains a small MLP whose output layer overflows at step 22 and reads the unstable gauge after every probe.</summary>
    private static async Task<int[]> RegimeGaugeSamplesAsync()
    {
        manual_seed(23);
        using var model = nn.Sequential(("fc1", nn.Linear(8, 16)), ("act", nn.Tanh()), ("fc2", nn.Linear(16, 2)));
        using var generator = new Generator(29);
        using var x = randn([32, 8], generator: generator);
        using var y = randn([32, 2], generator: generator);
        using var probe = ProbeSet.FromTensors(x, y, batchSize: 32);
        using var optimizer = optim.SGD(model.parameters(), 0.05);
        var registry = Metrics.NewCustomRegistry();
        var sink = new PrometheusSink(registry);
        var options = new MonitorOptions
        {
            RunName = Run,
            Schedule = new ScheduleOptions { Kind = ScheduleKind.EveryNSteps, ProbeInterval = 5, OverheadBudget = 0 },
            Probe = new SpectralProbeOptions { LanczosSteps = 6, SketchVectors = 2 },
        };
        await using var monitor = TrainingMonitor.Attach(model, probe, ErrorFunctions.SquaredError, options, [sink]);
        var samples = new List<int>();
        for (var step = 1; step <= 40; step++)
        {
            // The scope ends before the awaits below: TorchSharp's dispose scopes belong to a thread, and a continuation
            // may resume on another, leaving the scope open on this one to swallow tensors of whatever runs there next
            // (the live fixture's training data, once: "Tensor invalid -- empty handle").
            using (NewDisposeScope())
            {
                optimizer.zero_grad();
                nn.functional.mse_loss(model.call(x), y).backward();
                optimizer.step();
                if (step == 22)
                {
                    using var noGrad = no_grad();
                    model.parameters().Last().fill_(float.PositiveInfinity);
                }
            }

            var probes = monitor.History.Count;
            monitor.OnStep(step);
            if (monitor.History.Count > probes)
            {
                // Sinks are written off the training thread: what a scrape after this probe sees.
                await monitor.FlushAsync();
                samples.Add(await UnstableGaugeAsync(registry));
            }
        }

        Assert.Equal(0, monitor.Status.ProbeFailuresTotal);
        return samples.ToArray();
    }

    private static async Task<int> UnstableGaugeAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        var text = Encoding.UTF8.GetString(stream.ToArray());
        var match = UnstableLine().Match(text);
        Assert.True(match.Success, "no trainmonitor_regime{regime=\"unstable\"} series for the run:\n" + text);
        return (int)double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static string RuleTest(int[] samples, int firstUnstable) => string.Create(CultureInfo.InvariantCulture, $$"""
        rule_files:
          - alerts.yml
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
              - series: 'trainmonitor_regime{job="trainmonitor", instance="host:9464", run="{{Run}}", run_id="0197a1b2-0000-7000-8000-000000000001", regime="unstable"}'
                values: '{{string.Join(' ', samples)}}'
            alert_rule_test:
              - eval_time: {{firstUnstable + 1}}m
                alertname: TrainMonitorUnstable
                exp_alerts: []
              - eval_time: {{firstUnstable + 2}}m
                alertname: TrainMonitorUnstable
                exp_alerts:
                  - exp_labels:
                      severity: critical
                      job: trainmonitor
                      instance: host:9464
                      run: {{Run}}
                    exp_annotations:
                      summary: "Run {{Run}} is training unstably"
                      description: "Run {{Run}} (host:9464) diverged: its error energy jumped beyond its probe-to-probe noise while the training loss rose, or is not finite, or (squared error) eta*lambda_max reached the stability limit (2 by default). The alert holds until the error energy is back to its level before the divergence; the regime reason names the step it started."
                      runbook: "docs/observability.md#trainmonitorunstable"
        """);

    [GeneratedRegex("""trainmonitor_regime\{run="diverging",run_id="[0-9a-f-]{36}",regime="unstable"\} (\S+)""")]
    private static partial Regex UnstableLine();
}
