using TrainMonitor.Outputs;
using TrainMonitor.Outputs.JsonLines;
using static TrainMonitor.Testing.Tests.SyntheticSnapshots;

namespace TrainMonitor.Testing.Tests.Assertions;

/// <summary>
/// <see cref="MonitoredRun.AssertProbeLossDecreased"/> on runs whose held-out loss is known exactly. The error energy of
/// these runs stays at 1, so a pass or a failure can only come from the held-out loss.
/// </summary>
public sealed class ProbeLossAssertionTests
{
    /// <summary>Probes at <paramref name="steps"/> with the error energy flat at 1 and the held-out loss given per step.</summary>
    private static MonitoredRun RunWithProbeLoss(long[] steps, Func<long, double> probeLoss) =>
        MonitoredRun.FromSnapshots(steps.Select((s, i) => Snapshot(s, energy: 1.0, probeIndex: i + 1) with { ProbeLoss = probeLoss(s) }),
            artifacts: new RunArtifacts("/artifacts/synthetic", "/artifacts/synthetic/synthetic.jsonl", null, null, null, null));

    [Fact]
    public void A_held_out_loss_that_fell_by_the_factor_passes_and_chains()
    {
        // 2.3 nats (about ln 10: a ten-class classifier at chance) down to 0.023.
        var run = RunWithProbeLoss([1, 10, 100], t => 2.3 / t);

        Assert.Same(run, run.AssertProbeLossDecreased(100 - 1e-9).AssertProbeLossDecreased(1));
        // The error energy did not move: the two assertions judge different quantities.
        Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertErrorEnergyDecreased(2));
    }

    [Fact]
    public void A_held_out_loss_short_of_the_factor_fails_naming_both_ends_and_the_factor_reached()
    {
        var run = RunWithProbeLoss([1, 10, 100], t => 2.3 / t);

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertProbeLossDecreased(200));

        Assert.Contains("the held-out (probe) loss must fall by a factor of at least 200, but it went from 2.300E+000 at step 1 to " +
                        "2.300E-002 at step 100 (factor 100, 3 probes).", ex.Message);
        Assert.Contains("/artifacts/synthetic", ex.Message);
    }

    [Fact]
    public void A_held_out_loss_that_rose_fails_even_a_factor_of_one()
    {
        // The overfitting shape: the held-out loss falls, then climbs above where it started.
        var run = RunWithProbeLoss([1, 2, 4, 8], t => t switch { 1 => 0.5, 2 => 0.3, 4 => 0.4, _ => 0.6 });

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertProbeLossDecreased(1));

        Assert.Contains("went from 5.000E-001 at step 1 to 6.000E-001 at step 8 (factor 0.833, 4 probes)", ex.Message);
    }

    [Fact]
    public void A_run_without_a_recorded_held_out_loss_fails_saying_it_was_not_recorded()
    {
        var run = RunWithProbeLoss([1, 10, 100], _ => double.NaN);

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertProbeLossDecreased(1));

        Assert.Contains("went from NaN at step 1 to NaN at step 100", ex.Message);
        Assert.Contains("it was not recorded at the first or the last probe (files written before schema version 4 have no probe_loss)", ex.Message);
    }

    [Fact]
    public void The_decrease_needs_two_probes_and_a_finite_positive_factor()
    {
        var single = RunWithProbeLoss([5], _ => 0.1);

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => single.AssertProbeLossDecreased(0.5));
        Assert.Contains("(factor 1, 1 probes)", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => single.AssertProbeLossDecreased(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => single.AssertProbeLossDecreased(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => single.AssertProbeLossDecreased(double.PositiveInfinity));
    }

    [Fact]
    public async Task A_run_loaded_from_its_json_lines_file_is_judged_on_the_recorded_held_out_loss()
    {
        var directory = Directory.CreateTempSubdirectory("trainmonitor-probe-loss-").FullName;
        try
        {
            var path = Path.Combine(directory, "run.jsonl");
            await using (var sink = new JsonLinesSink(path))
            {
                foreach (var step in new long[] { 1, 10, 100 })
                {
                    await sink.WriteAsync(new ProbeCompleted(Snapshot(step, energy: 1.0) with { ProbeLoss = 1.0 / step }), CancellationToken.None);
                }
            }

            var run = await MonitoredRun.LoadAsync(path);

            run.AssertProbeLossDecreased(100 - 1e-9);
            Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertProbeLossDecreased(101));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
