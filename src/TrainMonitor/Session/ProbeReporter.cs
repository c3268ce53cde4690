using TrainMonitor.EnergyBudget;
using Microsoft.Extensions.Logging;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.Logging;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using TrainMonitor.Torch;

namespace TrainMonitor.Session;

/// <summary>
/// Turns what became of a due probe into the session's record, log lines and sink events: a completed probe into a
/// snapshot in the history and the regime it moves to, a failed, skipped or cancelled one into a count and a message.
/// </summary>
internal sealed class ProbeReporter
{
    private readonly string _run;
    private readonly ILogger _logger;
    private readonly RunLedger _ledger;
    private readonly SinkDispatcher _dispatcher;
    private readonly ProbeSnapshotMapper _mapper;
    private readonly SpectralProbeOptions _probeOptions;

    // Owned by the thread that runs the probes, one at a time (the training thread inline, the worker in background
    // mode): it observes a result before the snapshot exists, outside the ledger's lock.
    private readonly RegimeTracker _tracker;
    private readonly EnergyBudgetTracker _budget = new();

    private readonly bool _stabilityMarginApplies;

    public ProbeReporter(string run, ILogger logger, RunLedger ledger, SinkDispatcher dispatcher, SpectralProbeOptions probeOptions,
        RegimeThresholds regime, bool stabilityMarginApplies)
    {
        _stabilityMarginApplies = stabilityMarginApplies;
        _run = run;
        _logger = logger;
        _ledger = ledger;
        _dispatcher = dispatcher;
        _probeOptions = probeOptions;
        _mapper = new ProbeSnapshotMapper(run, ledger.RunId, probeOptions);
        _tracker = new RegimeTracker(regime);
    }

    /// <summary>Assesses the regime at a completed probe, records its snapshot and reports both.</summary>
    public void Complete(long step, double? learningRate, double? loss, SpectralProbeResult result, LearningRatePath? path, long elapsedTicks)
    {
        var (dissipation, transport) = _budget.Assess(step, learningRate, result, path);
        var frontier = result.Frontier;
        var quantile = result.QuantileFrontier;
        var halfLife = learningRate is { } eta && !result.IsNonFinite
            ? FrozenKernelHorizon.HalfLife(result.Measure, eta, result.Profile.NullEnergy.Floor)
            : double.NaN;
        var assessment = _tracker.Observe(new RegimeObservation(step, learningRate, result.ErrorEnergy,
            quantile.IsDetermined ? quantile.Lambda : double.NaN, frontier.IsDetermined ? frontier.TailExponent : double.NaN,
            result.LambdaMax, result.Sketch)
        {
            TransportFraction = transport?.TransportFraction ?? double.NaN,
            TrainingLoss = loss ?? double.NaN,
            ProbeLoss = result.ProbeLoss,
            FrozenKernelHalfLife = halfLife,
            NullEnergyFraction = result.IsNonFinite || !(result.ErrorEnergy > 0.0) ? double.NaN : result.Profile.NullEnergy.Estimate / result.ErrorEnergy,
            StabilityMarginApplies = _stabilityMarginApplies,
        });
        var recorded = _ledger.Record(_mapper.Map(step, learningRate, loss, result, assessment, elapsedTicks, dissipation, transport));
        var snapshot = recorded.Snapshot;
        var previous = recorded.PreviousRegime;
        Log(() => MonitorLog.ProbeCompleted(_logger, _run, snapshot.ProbeIndex, step, snapshot.ErrorEnergy, snapshot.LambdaMax,
            assessment.Regime.ToWireName(), snapshot.ProbeDurationSeconds, snapshot.ProbeMethods.Select(ProbeMethodNames.ToWireName).ToArray(),
            snapshot.ProbeFallbackReason ?? "none"));
        if (recorded.NewFallbackReason is { } reason)
        {
            Log(() => MonitorLog.ProbeFellBack(_logger, _run, step, ProbeMethodNames.ToWireName(_probeOptions.Method),
                snapshot.ProbeMethods.Count(m => m == ProbeMethod.Lanczos), snapshot.ProbeMethods.Count, reason));
        }

        _dispatcher.Post(new ProbeCompleted(snapshot));
        if (assessment.Regime != previous)
        {
            Log(() => MonitorLog.RegimeChanged(_logger, RegimeChangeLevel.Of(assessment.Regime), _run, step, previous.ToWireName(),
                assessment.Regime.ToWireName(), assessment.Reason));
            _dispatcher.Post(new RegimeChanged(_run, step, snapshot.Timestamp, previous, assessment.Regime, assessment.Reason));
        }
    }

    public void Fail(long step, Exception exception)
    {
        _budget.Break();
        var failures = _ledger.CountFailure();
        var type = exception.GetType().Name;
        var message = TorchErrorText.Summary(exception);
        Log(() => MonitorLog.ProbeFailed(_logger, _run, step, type, message, failures));
        Log(() => MonitorLog.ProbeFailedDetail(_logger, exception, _run, step, type));
        _dispatcher.Post(new ProbeFailed(_run, step, DateTimeOffset.UtcNow, type, message, failures) { RunId = _ledger.RunId });
    }

    /// <summary>Reports a due probe skipped; <paramref name="skipped"/> is the count so far (<see cref="RunLedger.CountSkipped"/>).</summary>
    public void Skipped(long step, string reason, long skipped)
    {
        Log(() => MonitorLog.ProbeSkipped(_logger, _run, step, reason, skipped));
        _dispatcher.Post(new ProbeSkipped(_run, step, DateTimeOffset.UtcNow, reason, skipped) { RunId = _ledger.RunId });
    }

    /// <summary>Reports a probe that StopAsync's token stopped after <paramref name="elapsedTicks"/>: not a failure.</summary>
    public void Cancelled(long step, long elapsedTicks)
    {
        _budget.Break();
        Log(() => MonitorLog.ProbeCancelled(_logger, _run, step, SessionClock.Seconds(elapsedTicks)));
    }

    private static void Log(Action write) => GuardedLog.Write(write);
}
