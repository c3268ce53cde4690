using Microsoft.Extensions.Logging;
using TrainMonitor.Errors;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.Logging;
using TrainMonitor.Session;
using TrainMonitor.Tests.Session;

namespace TrainMonitor.Tests.Logging;

/// <summary>Which of the monitor's own events it logs, with and without a <see cref="LoggingSink"/> among its sinks.</summary>
public sealed class MonitorLoggingTests
{
    private static readonly ErrorFunction Throws =
        ErrorFunctions.Custom("throws", (_, _) => throw new InvalidOperationException("user code failed"));

    [Fact]
    public async Task WithoutALoggingSinkAFailedProbeIsLoggedByTheMonitorWithItsException()
    {
        var logger = new CapturingLogger<TrainingMonitor>();
        await using (var monitor = TrainingMonitor.Attach(SessionFixtures.Model(), SessionFixtures.Probe(), Throws, SessionFixtures.EveryN(1),
            [new RecordingSink()], logger: logger))
        {
            monitor.OnStep(1);
            await monitor.FlushAsync();
        }

        var failed = Assert.Single(logger.Events, e => e.EventId.Id == 2);
        Assert.Equal((LogLevel.Warning, "ProbeFailed"), (failed.Level, failed.EventId.Name));
        Assert.Equal("user code failed", failed["ErrorMessage"]);
    }

    [Fact]
    public async Task WithALoggingSinkTheSinkLogsTheFailureOnceAndTheMonitorStillLogsWhatNoSinkLogs()
    {
        var monitorLogger = new CapturingLogger<TrainingMonitor>();
        var sinkLogger = new CapturingLogger<LoggingSink>();
        await using (var monitor = TrainingMonitor.Attach(SessionFixtures.Model(), SessionFixtures.Probe(), Throws, SessionFixtures.EveryN(1),
            [new LoggingSink(sinkLogger), new ThrowingSink()], logger: monitorLogger))
        {
            monitor.OnStep(1);
            await monitor.FlushAsync();
        }

        Assert.Single(sinkLogger.Events, e => e.EventId.Id == LoggingSink.ProbeFailedEventId);
        Assert.DoesNotContain(monitorLogger.Events, e => e.EventId.Id == 2);
        // A sink that fails is the monitor's to report: no sink logs it.
        Assert.Contains(monitorLogger.Events, e => e.EventId.Id == 5 && e.Level == LogLevel.Warning);
    }
}
