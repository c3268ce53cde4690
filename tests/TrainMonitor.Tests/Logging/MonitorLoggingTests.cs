using Microsoft.Extensions.Logging;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.Logging;
using TrainMonitor.Regimes;
using TrainMonitor.Session;
using TrainMonitor.Tests.Session;

namespace TrainMonitor.Tests.Logging;

/// <summary>Which of the monitor's own events it logs, with and without a <see cref="LoggingSink"/> among its sinks.</summary>
public sealed class MonitorLoggingTests
{
    [Fact]
    public async Task WithoutALoggingSinkAFailedProbeIsLoggedByTheMonitorWithItsExceptionAtDebug()
    {
        var logger = new CapturingLogger<TrainingMonitor>();
        var throws = BreakableError.Throwing();
        await using (var monitor = TrainingMonitor.Attach(SessionFixtures.Model(), SessionFixtures.Probe(), throws.Function, SessionFixtures.EveryN(1),
            [new RecordingSink()], logger: logger))
        {
            throws.Break();
            monitor.OnStep(1);
            await monitor.FlushAsync();
        }

        var failed = Assert.Single(logger.Events, e => e.EventId.Id == 2);
        Assert.Equal((LogLevel.Warning, "ProbeFailed"), (failed.Level, failed.EventId.Name));
        Assert.Equal("user code failed", failed["ErrorMessage"]);
        Assert.Null(failed.Exception);
        var detail = Assert.Single(logger.Events, e => e.EventId.Id == 10);
        Assert.Equal((LogLevel.Debug, "ProbeFailedDetail"), (detail.Level, detail.EventId.Name));
        Assert.Equal("user code failed", Assert.IsType<InvalidOperationException>(detail.Exception).Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ALibTorchFailureIsOneWarningLineWithoutItsNativeStack_TheExceptionFollowsAtDebug(bool withLoggingSink)
    {
        // A linear map of the wrong width fails in libtorch, whose message carries the C++ stack after its first line. (Not
        // Tensor.matmul: TorchSharp 0.107 does not catch libtorch errors in it, and the process aborts.)
        var monitorLogger = new CapturingLogger<TrainingMonitor>();
        var sinkLogger = new CapturingLogger<LoggingSink>();
        var breakable = new BreakableError("linear", (o, _) => TorchSharp.torch.nn.functional.linear(o, TorchSharp.torch.ones(5, 5)).reshape(-1));
        var recorder = new RecordingSink();
        IMonitorSink[] sinks = withLoggingSink ? [new LoggingSink(sinkLogger), recorder] : [recorder];
        await using (var monitor = TrainingMonitor.Attach(SessionFixtures.Model(), SessionFixtures.Probe(), breakable.Function, SessionFixtures.EveryN(1),
            sinks, logger: monitorLogger))
        {
            breakable.Break();
            monitor.OnStep(1);
            await monitor.FlushAsync();
        }

        var detail = Assert.Single(monitorLogger.Events, e => e.EventId.Id == 10);
        Assert.Equal(LogLevel.Debug, detail.Level);
        var native = Assert.IsAssignableFrom<Exception>(detail.Exception);
        Assert.Contains('\n', native.Message.Trim()); // the precondition: the full message is more than one line

        var warnings = monitorLogger.Events.Concat(sinkLogger.Events).Where(e => e.Level >= LogLevel.Warning).ToArray();
        var warning = Assert.Single(warnings);
        Assert.Equal(withLoggingSink ? LoggingSink.ProbeFailedEventId : 2, warning.EventId.Id);
        Assert.Null(warning.Exception);
        Assert.DoesNotContain('\n', warning.Message);
        Assert.Contains("shapes cannot be multiplied", warning.Message, StringComparison.Ordinal);
        Assert.Equal(native.Message.Split('\n')[0].Trim(), Assert.Single(recorder.Of<ProbeFailed>()).Message);
    }

    [Fact]
    public async Task WithoutALoggingSinkTheMonitorLogsAChangeIntoAnAlertStateAsAWarning_AtTheLevelTheSinkWouldUse()
    {
        // Weights that never move: the outputs stand still from the first probe on, so the run leaves warm-up in an alert
        // state (not_learning). Logged at Information, a filter on Warning would miss it whenever no LoggingSink is attached.
        var logger = new CapturingLogger<TrainingMonitor>();
        var recorder = new RecordingSink();
        await using (var monitor = TrainingMonitor.Attach(SessionFixtures.Model(), SessionFixtures.Probe(), SessionFixtures.SquaredError,
            SessionFixtures.EveryN(2), [recorder], logger: logger))
        {
            for (var step = 1; step <= 12; step++)
            {
                monitor.OnStep(step, learningRate: 0.01, loss: 1.0);
            }

            await monitor.FlushAsync();
        }

        var changes = recorder.Events.OfType<RegimeChanged>().ToArray();
        var logged = logger.Events.Where(e => e.EventId.Id == 4).ToArray();
        Assert.Equal(changes.Select(c => c.Current.ToWireName()), logged.Select(e => (string)e["Current"]!));
        Assert.Contains(logged, e => e.Level == LogLevel.Warning);

        // One rule: the same changes through a LoggingSink are logged at the same levels.
        var sinkLogger = new CapturingLogger<LoggingSink>();
        var sink = new LoggingSink(sinkLogger);
        foreach (var change in changes)
        {
            await sink.WriteAsync(change, default);
        }

        Assert.Equal(sinkLogger.Events.Select(e => e.Level), logged.Select(e => e.Level));
    }

    [Fact]
    public void EveryAlertStateOfTheCoreAndOnlyThoseMakesARegimeChangeAWarning()
    {
        foreach (var regime in TrainingRegimeNames.All)
        {
            Assert.Equal(regime.IsAlert() ? LogLevel.Warning : LogLevel.Information, RegimeChangeLevel.Of(regime));
        }
    }

    [Fact]
    public async Task WithALoggingSinkTheSinkLogsTheFailureOnceAndTheMonitorStillLogsWhatNoSinkLogs()
    {
        var monitorLogger = new CapturingLogger<TrainingMonitor>();
        var sinkLogger = new CapturingLogger<LoggingSink>();
        var throws = BreakableError.Throwing();
        await using (var monitor = TrainingMonitor.Attach(SessionFixtures.Model(), SessionFixtures.Probe(), throws.Function, SessionFixtures.EveryN(1),
            [new LoggingSink(sinkLogger), new ThrowingSink()], logger: monitorLogger))
        {
            throws.Break();
            monitor.OnStep(1);
            await monitor.FlushAsync();
        }

        Assert.Single(sinkLogger.Events, e => e.EventId.Id == LoggingSink.ProbeFailedEventId);
        Assert.DoesNotContain(monitorLogger.Events, e => e.EventId.Id == 2);
        // The exception has no sink counterpart: the monitor logs it at Debug either way.
        Assert.Single(monitorLogger.Events, e => e.EventId.Id == 10 && e.Level == LogLevel.Debug);
        // A sink that fails is the monitor's to report: no sink logs it.
        Assert.Contains(monitorLogger.Events, e => e.EventId.Id == 5 && e.Level == LogLevel.Warning);
    }
}
