using System.Diagnostics.Metrics;
using TrainMonitor.Outputs;
using TrainMonitor.Session;
using TrainMonitor.Telemetry;
using TrainMonitor.Tests.JsonLines;

namespace TrainMonitor.Tests.Telemetry;

/// <summary>
/// The meter's series follow the latest probe and the tracked statuses: a shell that empties leaves, an untracked status stops
/// counting, a removed run disappears — read with the BCL's own <see cref="MeterListener"/>.
/// </summary>
public sealed class TrainMonitorMeterTests
{
    [Fact]
    public async Task ShellSeriesFollowTheLatestProbeAndRunsLeaveWhenRemoved()
    {
        using var meter = new TrainMonitorMeter();
        var first = SampleSnapshots.Complete(probeIndex: 1, run: "a");
        await meter.WriteAsync(new ProbeCompleted(first), CancellationToken.None);
        var shells = Collect(meter, "trainmonitor.shell_energy");
        Assert.Equal(3 * first.Shells.Count, shells.Count);
        Assert.All(shells, m => Assert.Equal("a", m.Tags["run"]));

        // The next probe has one shell fewer: its series are gone, no stale value stays behind.
        var second = first with { ProbeIndex = 2, Shells = first.Shells.Skip(1).ToArray() };
        await meter.WriteAsync(new ProbeCompleted(second), CancellationToken.None);
        var after = Collect(meter, "trainmonitor.shell_energy");
        Assert.Equal(3 * second.Shells.Count, after.Count);
        Assert.DoesNotContain(after, m => m.Tags["shell"] == first.Shells[0].Index.ToString(System.Globalization.CultureInfo.InvariantCulture));

        meter.RemoveRun("a");
        Assert.Empty(Collect(meter, "trainmonitor.shell_energy"));
    }

    [Fact]
    public void CountersComeFromTrackedStatusesUntilTheTrackingEnds()
    {
        using var meter = new TrainMonitorMeter();
        var status = new MonitorStatus { Run = "b", RunId = "id-b", TrainingStep = 40, ProbesTotal = 3, ProbesPostponedTotal = 2 };
        var tracking = meter.Track(() => status);
        var probes = Assert.Single(Collect(meter, "trainmonitor.probes_total"));
        Assert.Equal((3.0, "b", "id-b"), (probes.Value, probes.Tags["run"], probes.Tags["run_id"]));
        Assert.Equal(2.0, Assert.Single(Collect(meter, "trainmonitor.probes_postponed_total")).Value);
        Assert.Equal(40.0, Assert.Single(Collect(meter, "trainmonitor.training_step")).Value);

        tracking.Dispose();
        Assert.Empty(Collect(meter, "trainmonitor.probes_total"));
    }

    /// <summary>The measurements one collection of <paramref name="instrument"/> on <paramref name="meter"/> reports.</summary>
    private static List<(double Value, Dictionary<string, string?> Tags)> Collect(TrainMonitorMeter meter, string instrument)
    {
        var measured = new List<(double, Dictionary<string, string?>)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (ReferenceEquals(i.Meter, meter.Meter) && i.Name == instrument)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
            measured.Add((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString()))));
        listener.Start();
        listener.RecordObservableInstruments();
        return measured;
    }
}
