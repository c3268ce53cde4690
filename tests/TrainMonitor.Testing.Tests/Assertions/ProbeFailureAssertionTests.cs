using TrainMonitor.Outputs;
using TrainMonitor.Regimes;
using static TrainMonitor.Testing.Tests.SyntheticSnapshots;

namespace TrainMonitor.Testing.Tests.Assertions;

public sealed class ProbeFailureAssertionTests
{
    [Fact]
    public void No_probe_failures_passes_without_failures()
    {
        var run = Run([1, 2], t => 1.0);

        Assert.Same(run, run.AssertNoProbeFailures());
    }

    [Fact]
    public void No_probe_failures_fails_listing_them_and_the_table_shows_them()
    {
        var failures = new[]
        {
            new ProbeFailed("synthetic", 4, DateTimeOffset.UnixEpoch, "ArithmeticException", "The probe's error energy is NaN.", 1),
            new ProbeFailed("synthetic", 8, DateTimeOffset.UnixEpoch, "OutOfMemoryException", "out of memory", 2),
        };
        var run = Run([1, 2, 16], t => 1.0, failures: failures);

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertNoProbeFailures());

        Assert.Contains("no probe may fail, but 2 did (steps 4, 8); the first at step 4: ArithmeticException: The probe's error energy is NaN.", ex.Message);
        Assert.Contains("probe failures (2):\n  step 4: ArithmeticException: The probe's error energy is NaN.\n  step 8: OutOfMemoryException: out of memory\n", ex.Table);
    }

    [Fact]
    public void Every_dynamics_assertion_fails_when_no_probe_completed()
    {
        var failure = new ProbeFailed("synthetic", 1, DateTimeOffset.UnixEpoch, "InvalidOperationException", "boom", 1);
        var run = MonitoredRun.FromSnapshots([], [failure], trainingSteps: 10);

        Action[] assertions =
        [
            () => run.AssertFrontierAdvanced(0),
            () => run.AssertNotLazyStagnant(),
            () => run.AssertRegimeReached(TrainingRegime.WarmingUp),
            () => run.AssertErrorEnergyExponentAtLeast(0),
            () => run.AssertErrorEnergyDecreased(1),
        ];
        foreach (var assertion in assertions)
        {
            var ex = Assert.Throws<TrainingDynamicsAssertionException>(assertion);
            Assert.Contains("no probe completed in 10 training steps; 1 probe(s) failed, so there is nothing to judge", ex.Message);
            Assert.Contains("(no probe completed)", ex.Message);
            Assert.Contains("artifacts: (none written)", ex.Message);
        }
    }

    [Fact]
    public void The_exception_belongs_to_no_test_framework()
    {
        // xunit, NUnit and MSTest each report any exception from a test as a failure; depending on none keeps it usable under all.
        Assert.Equal(typeof(Exception), typeof(TrainingDynamicsAssertionException).BaseType);
        var references = typeof(MonitoredRun).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty).ToArray();
        Assert.DoesNotContain(references, n => n.StartsWith("xunit", StringComparison.OrdinalIgnoreCase)
                                               || n.StartsWith("nunit", StringComparison.OrdinalIgnoreCase)
                                               || n.StartsWith("Microsoft.VisualStudio.TestPlatform", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void A_run_needs_strictly_increasing_steps()
    {
        var ex = Assert.Throws<ArgumentException>(() => MonitoredRun.FromSnapshots([Snapshot(4, 1), Snapshot(4, 1)]));
        Assert.Contains("step 4 follows step 4", ex.Message);
    }
}
