using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Frontier;
using TrainMonitor.Outputs;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using TrainMonitor.Scheduling;
using TrainMonitor.Shells;
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
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly ProbeSet _probe;
    private readonly ProbeSet? _ownedProbe;
    private readonly ErrorFunction _error;
    private readonly SpectralProbeOptions _probeOptions;
    private readonly string _run;

    /// <summary>New for every attached monitor, so the runs appended to one file stay apart (see ProbeSnapshot.RunId).</summary>
    private readonly string _runId = Guid.CreateVersion7().ToString();
    private readonly bool _enabled;
    private readonly int _historyLimit;
    private readonly ExecutionMode _mode;
    private readonly IProbeSchedule _schedule;
    private readonly ILogger _logger;
    private readonly RegimeTracker _tracker;
    private readonly ShadowModel? _shadow;
    private readonly TorchWorker? _worker;
    private readonly SinkDispatcher _dispatcher;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _shutdown = new();

    // Guarded by _gate.
    private long _trainingStep;
    private long _probesTotal;
    private long _failuresTotal;
    private long _skippedTotal;
    private long _applicationsTotal;
    private long _trainingTicks;
    private long _probeTicks;
    private long _lastProbeTicks = -1;
    private long _lastProbeStep = -1;
    private ImmutableList<ProbeSnapshot> _history = [];
    private TrainingRegime _regime = TrainingRegime.WarmingUp;

    // The last fallback reason logged (MonitorLog.ProbeFellBack), so a run that falls back at every probe says so once.
    private string? _lastFallbackReason;
    private Task? _disposal;

    // Training thread only.
    private long _lastExitTimestamp;

    // Background mode.
    private Task? _running;
    private int _busy;
    private long _runningStep;
    private volatile bool _closed;
    private long _probeThreadLiveDelta;
    private int _released;

    private TrainingMonitor(nn.Module<Tensor, Tensor> model, ProbeSet probe, ProbeSet? ownedProbe, ErrorFunction error, MonitorOptions options,
        IProbeSchedule schedule, IMonitorSink[] sinks, ShadowModel? shadow, ILogger logger)
    {
        _model = model;
        _probe = probe;
        _ownedProbe = ownedProbe;
        _error = error;
        _probeOptions = options.Probe;
        _historyLimit = options.HistoryLimit;
        _run = options.RunName;
        _enabled = options.Enabled;
        _mode = options.Mode;
        _schedule = schedule;
        _shadow = shadow;
        _worker = shadow is null ? null : new TorchWorker($"TrainMonitor probe ({options.RunName})");
        _logger = SinkLoggedEvents.For(logger, sinks); // a LoggingSink among the sinks logs the probe results; once is enough
        _tracker = new RegimeTracker(options.Regime);
        _dispatcher = new SinkDispatcher(sinks, _run, _logger);
        _lastExitTimestamp = Stopwatch.GetTimestamp();
    }

    /// <summary>Live counters (a consistent copy; thread-safe).</summary>
    public MonitorStatus Status
    {
        get
        {
            lock (_gate)
            {
                return new MonitorStatus
                {
                    Run = _run,
                    TrainingStep = _trainingStep,
                    ProbesTotal = _probesTotal,
                    ProbeFailuresTotal = _failuresTotal,
                    ProbesSkippedTotal = _skippedTotal,
                    OperatorApplicationsTotal = _applicationsTotal,
                    OverheadRatio = OverheadRatioLocked(),
                    Enabled = _enabled,
                };
            }
        }
    }

    /// <summary>
    /// The snapshots of the completed probes so far, oldest first (an immutable copy; thread-safe): all of them, or the
    /// latest <see cref="MonitorOptions.HistoryLimit"/>.
    /// </summary>
    public IReadOnlyList<ProbeSnapshot> History
    {
        get
        {
            lock (_gate)
            {
                return _history;
            }
        }
    }

    /// <summary>The regime at the last completed probe (<see cref="TrainingRegime.WarmingUp"/> before the first).</summary>
    public TrainingRegime Regime
    {
        get
        {
            lock (_gate)
            {
                return _regime;
            }
        }
    }

    /// <summary>
    /// Tensors the probes left alive on the threads they ran on (created minus disposed, summed over probes): 0 unless a
    /// probe leaks. A diagnostic for tests, since in background mode those threads are not the training thread.
    /// </summary>
    internal long ProbeThreadLiveTensorDelta => Interlocked.Read(ref _probeThreadLiveDelta);

    /// <summary>Attaches a monitor to a training run.</summary>
    /// <param name="model">The model being trained. Only read: probes run on it in inline mode, and it is copied from in background mode.</param>
    /// <param name="probe">The fixed held-out probe set; keep it alive until the monitor is disposed. Copied to the model's device if it lives elsewhere.</param>
    /// <param name="error">The error function defining the error vector.</param>
    /// <param name="options">Settings (defaults when null); validated here.</param>
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
    /// <paramref name="modelFactory"/>, or the factory builds a different architecture.
    /// </exception>
    public static TrainingMonitor Attach(nn.Module<Tensor, Tensor> model, ProbeSet probe, ErrorFunction error, MonitorOptions? options = null,
        IEnumerable<IMonitorSink>? sinks = null, Func<nn.Module<Tensor, Tensor>>? modelFactory = null, ILogger<TrainingMonitor>? logger = null,
        IProbeSchedule? schedule = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(error);
        options ??= new MonitorOptions();
        options.Validate();
        schedule ??= options.Schedule.Build();
        var sinkArray = sinks?.ToArray() ?? [];
        if (sinkArray.Any(s => s is null))
        {
            throw new ArgumentException("A sink is null.", nameof(sinks));
        }

        if (options.Mode == ExecutionMode.Background && modelFactory is null)
        {
            throw new ArgumentException(
                $"{nameof(ExecutionMode)}.{nameof(ExecutionMode.Background)} needs {nameof(modelFactory)}: a function that builds a second instance of the model to probe on.",
                nameof(modelFactory));
        }

        var first = model.parameters().FirstOrDefault()
            ?? throw new ArgumentException("The model has no parameters to probe.", nameof(model));
        var device = first.device;
        var probeBatches = probe.Batches; // throws if the set was disposed
        ProbeSet? owned = null;
        ShadowModel? shadow = null;
        try
        {
            if (probeBatches.Count > 0 && (probe.Device.type != device.type || probe.Device.index != device.index))
            {
                owned = probe.To(device);
            }

            if (options.Mode == ExecutionMode.Background)
            {
                shadow = ShadowModel.Create(model, modelFactory!);
            }

            return new TrainingMonitor(model, owned ?? probe, owned, error, options, schedule, sinkArray, shadow,
                (ILogger?)logger ?? NullLogger.Instance);
        }
        catch
        {
            shadow?.Dispose();
            owned?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Tells the monitor that optimiser step <paramref name="step"/> is done. Probes if the schedule says so (inline:
    /// here and now; background: copies the weights and returns). Cheap when no probe is due. Never throws.
    /// </summary>
    /// <param name="step">The optimiser step just completed (probes happen only at steps ≥ 1).</param>
    /// <param name="learningRate">The learning rate of the step, if known (for the stability margin).</param>
    /// <param name="loss">The training loss of the step, if known (recorded in the snapshot).</param>
    public void OnStep(long step, double? learningRate = null, double? loss = null)
    {
        var entered = Stopwatch.GetTimestamp();
        if (_closed)
        {
            return;
        }

        ScheduleContext context;
        lock (_gate)
        {
            _trainingStep = step;
            if (!_enabled)
            {
                return;
            }

            _trainingTicks += entered - _lastExitTimestamp;
            context = ContextLocked();
        }

        try
        {
            if (_schedule.IsDue(step, context))
            {
                ProbeDue(step, learningRate, loss);
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
    /// Drops the time since the last <see cref="OnStep"/> from the training clock, for a benchmark that interleaves this
    /// run with an unmonitored one in the same process: the other run's time is not this run's training time.
    /// </summary>
    internal void ExcludeTimeSinceLastStep() => _lastExitTimestamp = Stopwatch.GetTimestamp();

    // A separate method: a lambda capturing OnStep's parameters would allocate its closure at every call.
    private void ReportMonitorError(Exception exception, long step) => Log(() => MonitorLog.MonitorError(_logger, exception, _run, step));

    /// <summary>
    /// Waits for a running background probe and for every event so far to reach the sinks, then flushes the sinks.
    /// </summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        if (Volatile.Read(ref _running) is { } running)
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
    /// Stops probing, waits for a running probe, delivers every queued event, flushes the sinks, and frees the monitor's
    /// tensors (the background model copy and any probe-set copy). Idempotent. To bound the wait, call
    /// <see cref="StopAsync"/> with a token first.
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
        lock (_gate)
        {
            _closed = true;
            return _disposal ??= DrainCoreAsync();
        }
    }

    private async Task DrainCoreAsync()
    {
        await Task.Yield();
        if (Volatile.Read(ref _running) is { } running)
        {
            await running.ConfigureAwait(false);
        }

        await _dispatcher.CompleteAsync().ConfigureAwait(false);
    }

    private void ReleaseTensors()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _worker?.Dispose();
            _shadow?.Dispose();
            _ownedProbe?.Dispose();
        }
    }

    private void ProbeDue(long step, double? learningRate, double? loss)
    {
        if (_mode == ExecutionMode.Inline)
        {
            lock (_gate)
            {
                _lastProbeStep = step;
            }

            RunProbe(_model, step, learningRate, loss, extraTicks: 0);
            return;
        }

        if (Volatile.Read(ref _busy) != 0)
        {
            long skipped;
            lock (_gate)
            {
                _lastProbeStep = step;
                skipped = ++_skippedTotal;
            }

            var reason = $"the probe started at step {Volatile.Read(ref _runningStep)} is still running";
            Log(() => MonitorLog.ProbeSkipped(_logger, _run, step, reason, skipped));
            _dispatcher.Post(new ProbeSkipped(_run, step, DateTimeOffset.UtcNow, reason, skipped));
            return;
        }

        lock (_gate)
        {
            _lastProbeStep = step;
        }

        var copyStart = Stopwatch.GetTimestamp();
        try
        {
            _shadow!.CopyFrom(_model);
        }
        catch (Exception ex)
        {
            RecordProbeTime(Stopwatch.GetTimestamp() - copyStart);
            Fail(step, ex);
            return;
        }

        var copyTicks = Stopwatch.GetTimestamp() - copyStart;
        Volatile.Write(ref _busy, 1);
        Volatile.Write(ref _runningStep, step);
        var shadowModel = _shadow.Model;
        var task = _worker!.Run(() =>
            {
                try
                {
                    RunProbe(shadowModel, step, learningRate, loss, copyTicks);
                }
                finally
                {
                    Volatile.Write(ref _busy, 0);
                }
            });
        Volatile.Write(ref _running, task);
    }

    /// <summary>Runs one probe on <paramref name="model"/> on the current thread and reports it. Never throws.</summary>
    private void RunProbe(nn.Module<Tensor, Tensor> model, long step, double? learningRate, double? loss, long extraTicks)
    {
        var start = Stopwatch.GetTimestamp();
        var liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        SpectralProbeResult? result = null;
        Exception? failure = null;
        try
        {
            // Every tensor the probe creates on this thread dies with this scope (dispose scopes are per thread).
            using var scope = NewDisposeScope();
            result = SpectralProbe.Run(model, _probe.Batches, _error, _probeOptions, _shutdown.Token);

            // Non-finite errors (a diverged run) are a snapshot with regime unstable; only an energy that turned non-finite
            // inside the spectral computation from finite errors is a failure of the probe.
            if (!double.IsFinite(result.ErrorEnergy) && !result.IsNonFinite)
            {
                throw new ArithmeticException($"The probe's error energy is {result.ErrorEnergy}.");
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            // StopAsync's token stopped the probe: not a failure of the probe.
            var cancelledAfter = Stopwatch.GetTimestamp() - start + extraTicks;
            RecordProbeTime(cancelledAfter);
            Log(() => MonitorLog.ProbeCancelled(_logger, _run, step, Seconds(cancelledAfter)));
            return;
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        var liveDelta = DisposeScopeManager.Statistics.ThreadTotalLiveCount - liveBefore;
        if (liveDelta != 0)
        {
            Interlocked.Add(ref _probeThreadLiveDelta, liveDelta);
        }

        if (failure is not null || result is null)
        {
            RecordProbeTime(Stopwatch.GetTimestamp() - start + extraTicks);
            Fail(step, failure ?? new InvalidOperationException("The probe returned no result."));
            return;
        }

        var elapsed = Stopwatch.GetTimestamp() - start + extraTicks;
        RecordProbeTime(elapsed);
        try
        {
            Complete(step, learningRate, loss, result, elapsed);
        }
        catch (Exception ex)
        {
            Fail(step, ex);
        }
    }

    private void Complete(long step, double? learningRate, double? loss, SpectralProbeResult result, long elapsedTicks)
    {
        var frontier = result.Frontier;
        var quantile = result.QuantileFrontier;
        var assessment = _tracker.Observe(new RegimeObservation(step, learningRate, result.ErrorEnergy,
            quantile.IsDetermined ? quantile.Lambda : double.NaN, frontier.IsDetermined ? frontier.TailExponent : double.NaN,
            result.LambdaMax, result.Sketch));
        var profile = result.Profile;
        var shells = profile.Shells.Select(s => new ShellSnapshot(s.Index, s.LambdaLower, s.LambdaUpper, s.Estimate, s.Lower, s.Upper, s.Occupancy)).ToArray();
        var fit = new FrontierFitSnapshot(frontier.Lambda, frontier.TailExponent, frontier.Amplitude, frontier.R2, frontier.ShellsUsed,
            frontier.PeakShellIndex, frontier.Reason, frontier.OutlierEnergy, frontier.OutlierShells);
        var frontierSnapshot = new FrontierSnapshot(quantile.Lambda, quantile.Lower, quantile.Upper, quantile.EnergyFraction, quantile.Reason, fit);
        var timestamp = DateTimeOffset.UtcNow;
        ProbeSnapshot snapshot;
        TrainingRegime previous;
        string? newFallbackReason = null;
        lock (_gate)
        {
            snapshot = new ProbeSnapshot
            {
                Run = _run,
                RunId = _runId,
                Step = step,
                Timestamp = timestamp,
                ProbeIndex = _probesTotal + 1,
                LearningRate = learningRate,
                TrainingLoss = loss,
                ErrorEnergy = result.ErrorEnergy,
                NullEnergy = profile.NullEnergy.Estimate,
                NullFloor = profile.NullEnergy.Floor,
                ShellRatio = profile.Grid.Ratio,
                Shells = Array.AsReadOnly(shells),
                Frontier = frontierSnapshot,
                SpectralPosition = result.SpectralPosition,
                LambdaMax = result.LambdaMax,
                Assessment = assessment,
                ProbeDurationSeconds = Seconds(elapsedTicks),
                OperatorApplications = result.OperatorApplications,
                LanczosSteps = _probeOptions.LanczosSteps,
                ProbeMethods = result.Methods,
                ProbeMethodRequested = _probeOptions.Method,
                ProbeFallbackReason = result.GramUnavailableReason,
                ErrorEntries = result.ErrorEntries,
                OverheadRatio = OverheadRatioLocked(),
            };
            _probesTotal++;
            _applicationsTotal += result.OperatorApplications;
            _history = _history.Count < _historyLimit ? _history.Add(snapshot) : _history.RemoveAt(0).Add(snapshot);
            previous = _regime;
            _regime = assessment.Regime;

            // Said once per reason, not at every probe: a model Gram does not fit falls back at every probe.
            if (result.GramUnavailableReason is { } fallback && fallback != _lastFallbackReason)
            {
                _lastFallbackReason = fallback;
                newFallbackReason = fallback;
            }
        }

        Log(() => MonitorLog.ProbeCompleted(_logger, _run, snapshot.ProbeIndex, step, snapshot.ErrorEnergy, snapshot.LambdaMax,
            assessment.Regime.ToWireName(), snapshot.ProbeDurationSeconds, snapshot.ProbeMethods.Select(ProbeMethodNames.ToWireName).ToArray(),
            snapshot.ProbeFallbackReason ?? "none"));
        if (newFallbackReason is { } reason)
        {
            Log(() => MonitorLog.ProbeFellBack(_logger, _run, step, ProbeMethodNames.ToWireName(_probeOptions.Method),
                snapshot.ProbeMethods.Count(m => m == ProbeMethod.Lanczos), snapshot.ProbeMethods.Count, reason));
        }

        _dispatcher.Post(new ProbeCompleted(snapshot));
        if (assessment.Regime != previous)
        {
            Log(() => MonitorLog.RegimeChanged(_logger, _run, step, previous.ToWireName(), assessment.Regime.ToWireName(), assessment.Reason));
            _dispatcher.Post(new RegimeChanged(_run, step, timestamp, previous, assessment.Regime, assessment.Reason));
        }
    }

    private void Fail(long step, Exception exception)
    {
        long failures;
        lock (_gate)
        {
            failures = ++_failuresTotal;
        }

        var type = exception.GetType().Name;
        var message = exception.Message;
        Log(() => MonitorLog.ProbeFailed(_logger, exception, _run, step, type, message, failures));
        _dispatcher.Post(new ProbeFailed(_run, step, DateTimeOffset.UtcNow, type, message, failures));
    }

    private void RecordProbeTime(long ticks)
    {
        lock (_gate)
        {
            _probeTicks += ticks;
            _lastProbeTicks = ticks;
        }
    }

    private ScheduleContext ContextLocked() => new(
        _lastProbeStep < 0 ? null : _lastProbeStep,
        Seconds(_trainingTicks),
        Seconds(_probeTicks),
        _lastProbeTicks < 0 ? null : Seconds(_lastProbeTicks));

    private double OverheadRatioLocked() => _trainingTicks > 0 ? (double)_probeTicks / _trainingTicks : double.NaN;

    private static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;

    private static void Log(Action write) => GuardedLog.Write(write);
}
