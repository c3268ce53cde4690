using TrainMonitor.Checkpoints;
using TrainMonitor.Errors;
using TrainMonitor.Outputs;
using TrainMonitor.Probing;
using TrainMonitor.Scheduling;
using TrainMonitor.Session;
using TrainMonitor.Tests.Session;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Checkpoints;

/// <summary>
/// The offline analysis of a series reports what the live monitor reported at the same steps: a training run's weights
/// saved at five steps, then (a) one model driven through those steps under <see cref="TrainingMonitor"/>, its weights set
/// to each checkpoint's before <c>OnStep</c>, and (b) <see cref="CheckpointAnalysis"/> on a fresh model per checkpoint.
/// </summary>
/// <remarks>
/// Expected to agree exactly, bit for bit, not merely to round-off: both run the same probe (SpectralProbe through
/// ProbeReporter and RunLedger) on bitwise-equal weights and the same probe batches, with the same options, in one process
/// whose CPU kernels are deterministic for equal inputs and shapes; the regime and kernel distance depend only on the
/// history of probes, which is the same. Only timings (duration, overhead) and timestamps may differ, and are not compared.
/// </remarks>
public sealed class LiveEquivalenceTests
{
    private static readonly long[] Steps = [2, 5, 10, 20, 40];

    [Theory]
    [InlineData(ProbeMethod.Lanczos)]
    [InlineData(ProbeMethod.Auto)]
    public async Task ShellsFrontiersKernelDistanceAndRegimeEqualTheLiveMonitorsAtTheSameSteps(ProbeMethod method)
    {
        var saved = Train();
        using var probe = CheckpointFixtures.Probe();
        SpectralProbeOptions ProbeOptions() => new() { Method = method, LanczosSteps = 6, SketchVectors = 4 };

        var sink = new RecordingSink();
        using (var model = CheckpointFixtures.Mlp(CheckpointFixtures.RandomWeights(1)))
        {
            var options = new MonitorOptions
            {
                RunName = "live",
                Mode = ExecutionMode.Inline,
                Schedule = new ScheduleOptions { Kind = ScheduleKind.EveryNSteps, ProbeInterval = 1_000, OverheadBudget = 0 },
                Probe = ProbeOptions(),
            };
            await using var monitor = TrainingMonitor.Attach(model, probe, ErrorFunctions.SquaredError, options, [sink], schedule: new AtSteps(Steps));
            for (var step = 1L; step <= Steps[^1]; step++)
            {
                if (saved.TryGetValue(step, out var weights))
                {
                    CheckpointFixtures.Load(model, weights);
                }

                monitor.OnStep(step);
            }

            await monitor.FlushAsync();
        }

        var result = await CheckpointAnalysis.RunAsync(Steps.Select(t => new Checkpoint(t, $"mlp-step{t}.pt")).ToArray(), c =>
            {
                var fresh = CheckpointFixtures.Mlp(saved[c.Step]);
                fresh.eval();
                return fresh;
            }, probe, ErrorFunctions.SquaredError, new CheckpointAnalysisOptions { RunName = "offline", Probe = ProbeOptions() });

        var live = sink.Of<ProbeCompleted>().Select(e => e.Snapshot).ToArray();
        Assert.Equal(Steps, live.Select(s => s.Step));
        Assert.Equal(Steps, result.Probes.Select(p => p.Checkpoint.Step));
        foreach (var (expected, probeResult) in live.Zip(result.Probes))
        {
            var actual = probeResult.Snapshot!;
            var at = $"step {expected.Step}";
            Assert.Equal(expected.ProbeMethods, actual.ProbeMethods);
            Assert.Equal(expected.Shells.Count, actual.Shells.Count);
            foreach (var (a, b) in expected.Shells.Zip(actual.Shells))
            {
                Assert.True(a == b, $"{at}: live shell {a}, offline {b}");
            }

            Same(expected.ErrorEnergy, actual.ErrorEnergy, $"{at} error energy");
            Same(expected.NullEnergy, actual.NullEnergy, $"{at} null energy");
            Same(expected.LambdaMax, actual.LambdaMax, $"{at} λ_max");
            Same(expected.SpectralPosition, actual.SpectralPosition, $"{at} spectral position");
            Same(expected.Frontier.Lambda, actual.Frontier.Lambda, $"{at} λ_f");
            Same(expected.Frontier.LambdaLower, actual.Frontier.LambdaLower, $"{at} λ_f lower");
            Same(expected.Frontier.LambdaUpper, actual.Frontier.LambdaUpper, $"{at} λ_f upper");
            Assert.True(expected.Frontier.Fit == actual.Frontier.Fit, $"{at}: live fit {expected.Frontier.Fit}, offline {actual.Frontier.Fit}");
            Same(expected.Assessment.KernelDistance, actual.Assessment.KernelDistance, $"{at} kernel distance");
            Same(expected.Assessment.KernelDistanceFromFirst, actual.Assessment.KernelDistanceFromFirst, $"{at} kernel distance from first");
            Same(expected.Assessment.FrontierVelocity, actual.Assessment.FrontierVelocity, $"{at} frontier velocity");
            Assert.Equal(expected.Assessment.Regime, actual.Assessment.Regime);
            Assert.Equal(expected.Assessment.Reason, actual.Assessment.Reason);
            Assert.Equal(expected.ProbeIndex, actual.ProbeIndex);
        }

        // The comparison covered probes with history: kernel distances exist and moved (training changed the kernel).
        Assert.Contains(result.Probes, p => p.Snapshot!.Assessment.KernelDistance > 0);
    }

    /// <summary>40 steps of full-batch gradient descent on a regression task, the weights saved at <see cref="Steps"/>.</summary>
    private static Dictionary<long, double[][]> Train()
    {
        var saved = new Dictionary<long, double[][]>();
        using var scope = NewDisposeScope();
        using var model = CheckpointFixtures.Mlp(CheckpointFixtures.RandomWeights(1));
        var (x, y) = CheckpointFixtures.Data(64, seed: 12);
        using var optimizer = optim.SGD(model.parameters(), 0.1);
        for (var step = 1L; step <= Steps[^1]; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.mse_loss(model.call(x), y).backward();
            optimizer.step();
            if (Steps.Contains(step))
            {
                saved[step] = CheckpointFixtures.WeightsOf(model);
            }
        }

        return saved;
    }

    /// <summary>Bitwise equality of doubles (NaN equals NaN).</summary>
    private static void Same(double expected, double actual, string what) =>
        Assert.True(expected.Equals(actual), $"{what}: live {expected:R}, offline {actual:R}");
}
