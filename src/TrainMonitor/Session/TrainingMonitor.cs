using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Outputs;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using TrainMonitor.Scheduling;
using TrainMonitor.Torch;
using static TorchSharp.torch;

namespace TrainMonitor.Session;

/// <summary>
/// The monitor session a training loop attaches: it probes the model on a fixed probe set at the steps its schedule
/// picks, tracks the regime, keeps the history and sends events to its sinks.
/// </summary>
/// <remarks>
/// <para>
/// It never harms the training run (DESIGN §3.1): a failing probe (exception from user code, non-finite errors, out of
/// memory) or a failing sink is caught, logged and counted, and <see cref="OnStep"/> never throws. Probes leave
/// parameters, gradients, optimiser state, <c>requires_grad</c> flags, module modes and the global random stream as
/// they were, and every tensor a probe creates is disposed before the probe ends.
/// </para>
/// <para>
/// Threading: call <see cref="OnStep"/> from one thread at a time (the training thread), and dispose after the last
/// call. <see cref="Status"/>, <see cref="History"/> and <see cref="Regime"/> may be read from any thread. Events
/// reach the sinks in order on one dispatch task; the training thread never waits on sink I/O. Sinks are flushed but
/// not disposed: whoever created them disposes them after the monitor.
/// </para>
/// <para>
/// Time accounting: training time is the wall time since attach not spent inside <see cref="OnStep"/>; probe time is
/// the wall time of the probes (in background mode including the weight copy, which runs in <see cref="OnStep"/>,
/// and the probe on the worker, which competes with training for the CPU).
/// </para>
/// </remarks>
public sealed class TrainingMonitor : IDisposable, IAsyncDisposable
{
    private readonly ProbeSet? _ownedProbe;
    private readonly string _run;
    private readonly PostponementWatch _postponements;
    private readonly ILogger _logger;
    private readonly RunLedger _ledger;
    private readonly ProbeRunner _runner;
    private readonly ProbeExecutor _executor;
    private readonly SinkDispatcher _dispatcher;
    private readonly Lock _drainGate = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly bool _finalProbe;

    // Set once, by the first Drain under _drainGate; read by FlushAsync without it (Volatile).
    private Task? _disposal;

    // Set by Drain; read by OnStep first thing, without a lock.
    private volatile bool _closed;

    // Interlocked: the first Dispose releases the tensors.
    private int _released;

    // Training thread only.
    private long _lastExitTimestamp;

    internal TrainingMonitor(nn.Module<Tensor, Tensor> model, ProbeSet probe, ProbeSet? ownedProbe, ErrorFunction error, MonitorOptions options,
        IProbeSchedule schedule, IMonitorSink[] sinks, ShadowModel? shadow, ILogger logger)
    {
        _ownedProbe = ownedProbe;
        _run = options.RunName;
        _postponements = new PostponementWatch(schedule);
        _finalProbe = options.Schedule.FinalProbe;
        var worker = shadow is null ? null : new TorchWorker($"TrainMonitor probe ({options.RunName})", options.BackgroundProbeThreads > 0 ? options.BackgroundProbeThreads : null);
        _logger = SinkLoggedEvents.For(logger, sinks); // a LoggingSink among the sinks logs the probe results; once is enough
        _dispatcher = new SinkDispatcher(sinks, _run, _logger);
        _ledger = new RunLedger(_run, options.Enabled, options.HistoryLimit);
        var reporter = new ProbeReporter(_run, _logger, _ledger, _dispatcher, options.Probe, options.Regime, error.OperatorIsLossCurvature);
        _runner = new ProbeRunner(probe, error, options.Probe, _shutdown.Token, _ledger, reporter);
        _executor = new ProbeExecutor(options.Mode, model, shadow, worker, _ledger, _runner, reporter);
        _lastExitTimestamp = Stopwatch.GetTimestamp();
    }

    /// <summary>Live counters (a consistent copy; thread-safe).</summary>
    public MonitorStatus Status => _ledger.Status;

    /// <summary>
    /// The snapshots of the completed probes so far, oldest first (an immutable copy; thread-safe): all of them, or the
    /// latest <see cref="MonitorOptions.HistoryLimit"/>.
    /// </summary>
    public IReadOnlyList<ProbeSnapshot> History => _ledger.History;

    /// <summary>The regime at the last completed probe (<see cref="TrainingRegime.WarmingUp"/> before the first).</summary>
    public TrainingRegime Regime => _ledger.Regime;

    /// <summary>
    /// Tensors the probes left alive on the threads they ran on (created minus disposed, summed over probes): 0 unless a
    /// probe leaks. A diagnostic for tests, since in background mode those threads are not the training thread.
    /// </summary>
    internal long ProbeThreadLiveTensorDelta => _runner.ProbeThreadLiveTensorDelta;

    /// <summary>Attaches a monitor to a training run.</summary>
    /// <param name="model">The model being trained. Only read: probes run on it in inline mode, and it is copied from in background mode.</param>
    /// <param name="probe">
    /// The fixed held-out probe set; keep it alive until the monitor is disposed. Copied to the model's device if it lives
    /// elsewhere; the monitor probes its first <see cref="MonitorOptions.MaxProbeExamples"/> examples (default 64; 0: all),
    /// after a warm-up probe of its first few at attach that pays the probe path's one-time start-up before training.
    /// </param>
    /// <param name="error">The error function defining the error vector.</param>
    /// <param name="options">Settings (defaults when null); validated here and copied, so later changes to them have no effect.</param>
    /// <param name="sinks">Receivers of the monitor's events, in order (flushed, not disposed, by the monitor).</param>
    /// <param name="modelFactory">Builds a second instance of the model's architecture; required in background mode. Called once, here; the global CPU random stream is restored after it.</param>
    /// <param name="logger">
    /// Logger for probe failures, skips, regime changes and sink failures. When a <see cref="Outputs.Logging.LoggingSink"/> is
    /// among <paramref name="sinks"/>, the events it logs too are left to it (each event is logged once; docs/snapshot-schema.md).
    /// </param>
    /// <param name="schedule">When to probe; null builds the one <see cref="MonitorOptions.Schedule"/> describes. Yours replaces it, overhead budget included (wrap it in <see cref="OverheadBudgetSchedule"/> to keep one).</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/>, <paramref name="probe"/> or <paramref name="error"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// A setting is invalid (the exception names it), the model has no parameters, a sink is null, background mode without
    /// <paramref name="modelFactory"/>, or the factory builds a different architecture. When the monitor is enabled, also
    /// when the model cannot run on the first probe batch (input shape, dtype or device; the message names the batch's and
    /// the parameters') or the error function fails on it, returns anything but a non-empty 1-D vector, or returns one not
    /// connected to the parameters: Attach runs the model and the error function once on that batch to find out.
    /// </exception>
    public static TrainingMonitor Attach(nn.Module<Tensor, Tensor> model, ProbeSet probe, ErrorFunction error, MonitorOptions? options = null,
        IEnumerable<IMonitorSink>? sinks = null, Func<nn.Module<Tensor, Tensor>>? modelFactory = null, ILogger<TrainingMonitor>? logger = null,
        IProbeSchedule? schedule = null) =>
        Attach(model, probe, error, options, sinks, modelFactory, logger, schedule, checkFirstBatch: true);

    /// <summary>
    /// The public Attach, with <paramref name="checkFirstBatch"/> false when the caller ran <see cref="AttachCheck"/> itself
    /// (the hosting factory does, before it opens the run's sinks).
    /// </summary>
    internal static TrainingMonitor Attach(nn.Module<Tensor, Tensor> model, ProbeSet probe, ErrorFunction error, MonitorOptions? options,
        IEnumerable<IMonitorSink>? sinks, Func<nn.Module<Tensor, Tensor>>? modelFactory, ILogger<TrainingMonitor>? logger,
        IProbeSchedule? schedule, bool checkFirstBatch) =>
        MonitorAttachment.Attach(model, probe, error, options, sinks, modelFactory, logger, schedule, checkFirstBatch);

    /// <summary>
    /// Tells the monitor that optimiser step <paramref name="step"/> is done. Probes if the schedule says so (inline:
    /// here and now; background: copies the weights and returns). Cheap when no probe is due. Never throws.
    /// </summary>
    /// <param name="step">The optimiser step just completed (probes happen only at steps ≥ 1).</param>
    /// <param name="learningRate">The learning rate of the step, if known (for the stability margin).</param>
    /// <param name="loss">
    /// The training loss of the step, if known. Averaged over the steps between probes, it is the snapshot's training loss and
    /// tells overfitting (held-out error rising while it falls) from divergence (both rising): pass it at every step.
    /// </param>
    public void OnStep(long step, double? learningRate = null, double? loss = null)
    {
        var entered = Stopwatch.GetTimestamp();
        if (_closed)
        {
            return;
        }

        if (!_ledger.TryEnterStep(step, learningRate, loss, entered - _lastExitTimestamp, out var context))
        {
            return;
        }

        try
        {
            if (_postponements.IsDue(step, context, out var postponementBegins))
            {
                _executor.ProbeDue(step, learningRate);
            }
            else if (postponementBegins)
            {
                ReportPostponed(step, context);
            }
        }
        catch (Exception ex)
        {
            ReportMonitorError(ex, step);
        }
        finally
        {
            _lastExitTimestamp = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>
    /// Probes at the last step <see cref="OnStep"/> reported, whatever the schedule says, and returns its snapshot (or the one
    /// already taken at that step); null when disabled or closed, before the first step, or when the probe failed (reported
    /// as any failure). Call it between steps from the training thread; in background mode the weights are copied now.
    /// </summary>
    /// <param name="ct">Stops the wait for the probe, not the probe.</param>
    public async Task<ProbeSnapshot?> ProbeAsync(CancellationToken ct = default)
    {
        if (_closed)
        {
            return null;
        }

        await (_executor.Running ?? Task.CompletedTask).WaitAsync(ct).ConfigureAwait(false);
        var step = ProbeLastStep();
        await (_executor.Running ?? Task.CompletedTask).WaitAsync(ct).ConfigureAwait(false);
        return _ledger.SnapshotAt(step);
    }

    /// <summary><see cref="ProbeAsync"/>, blocking until the probe is done.</summary>
    public ProbeSnapshot? ProbeNow() => ProbeAsync().GetAwaiter().GetResult();

    // A probe outside the schedule; its time is the monitor's, not training's (the training clock runs between OnStep calls).
    private long ProbeLastStep()
    {
        var step = _ledger.Status.TrainingStep;
        try
        {
            step = _executor.ProbeLastReportedStep();
        }
        catch (Exception ex)
        {
            ReportMonitorError(ex, step);
        }

        _lastExitTimestamp = Stopwatch.GetTimestamp();
        return step;
    }

    /// <summary>Drops the time since the last <see cref="OnStep"/> from the training clock (a benchmark interleaving two runs).</summary>
    internal void ExcludeTimeSinceLastStep() => _lastExitTimestamp = Stopwatch.GetTimestamp();

    // Rare (once per postponed probe): counted always, logged the first time only, with the cost that caused it.
    private void ReportPostponed(long step, ScheduleContext context)
    {
        if (_ledger.CountPostponed() == 1 && _postponements.Budget is { } budget)
        {
            GuardedLog.Write(() => MonitorLog.ProbePostponed(_logger, _run, step, budget.Fraction.ToString("P1", System.Globalization.CultureInfo.InvariantCulture),
                budget.HorizonSteps, context.LastProbeSeconds ?? double.NaN, context.ProbeSeconds, budget.BudgetedSeconds(context)));
        }
    }

    // A separate method: a lambda capturing OnStep's parameters would allocate its closure at every call.
    private void ReportMonitorError(Exception exception, long step) => GuardedLog.Write(() => MonitorLog.MonitorError(_logger, exception, _run, step));

    /// <summary>
    /// Waits for a running background probe and for every event so far to reach the sinks, then flushes the sinks.
    /// </summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        if (_executor.Running is { } running)
        {
            await running.WaitAsync(ct).ConfigureAwait(false);
        }

        if (_dispatcher.TryFlush(out var flushed))
        {
            await flushed.WaitAsync(ct).ConfigureAwait(false);
        }
        else
        {
            // Closed: the disposal drains and flushes.
            await (Volatile.Read(ref _disposal) ?? Task.CompletedTask).WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops probing, waits for a running probe, takes the final probe at the last reported step (unless one was taken
    /// there, or <see cref="ScheduleOptions.FinalProbe"/> is off), delivers every queued event, flushes the sinks, and frees
    /// the monitor's tensors (the background model copy and any probe-set copy). Idempotent. Dispose before the model: the
    /// final probe reads it. To bound the wait, call <see cref="StopAsync"/> with a token first.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await Drain().ConfigureAwait(false);
        ReleaseTensors();
    }

    /// <summary>
    /// Like <see cref="DisposeAsync"/>, blocking until done. The monitor's tensors are released on the calling thread, so
    /// that thread's dispose-scope statistics balance.
    /// </summary>
    public void Dispose()
    {
        Drain().GetAwaiter().GetResult();
        ReleaseTensors();
    }

    /// <summary>
    /// Stops probing and drains like <see cref="DisposeAsync"/> (the running probe finishes and is delivered), unless
    /// <paramref name="ct"/> fires first: then the running probe is cancelled — it stops at its next Lanczos step, sketch
    /// vector or batch, its result is discarded and logged as cancelled, not failed — and the drain completes without
    /// it. The graceful-shutdown contract of <c>IHostedService.StopAsync</c>: the hosting package passes the host's
    /// shutdown token, so a probe of minutes cannot hold up a host past its shutdown timeout. Idempotent; dispose the
    /// monitor afterwards to free its tensors.
    /// </summary>
    public async Task StopAsync(CancellationToken ct)
    {
        // The source is never disposed: it has no timer or wait handle, and an inline probe may still read its token.
        using var registration = ct.Register(static state => ((CancellationTokenSource)state!).Cancel(), _shutdown);
        await Drain().ConfigureAwait(false);
    }

    private Task Drain()
    {
        lock (_drainGate)
        {
            _closed = true;
            return _disposal ??= DrainCoreAsync();
        }
    }

    private async Task DrainCoreAsync()
    {
        await Task.Yield();
        if (_executor.Running is { } running)
        {
            await running.ConfigureAwait(false);
        }

        // The end of the run, which no schedule knows: probed once more unless a probe was taken at that step, or the stop
        // was cancelled (then the host is short of time).
        if (_finalProbe && !_shutdown.IsCancellationRequested)
        {
            ProbeLastStep();
            await (_executor.Running ?? Task.CompletedTask).ConfigureAwait(false);
        }

        await _dispatcher.CompleteAsync().ConfigureAwait(false);
    }

    private void ReleaseTensors()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _executor.Release();
            _ownedProbe?.Dispose();
        }
    }
}
