using System.Diagnostics;
using TorchSharp;
using TrainMonitor.EnergyBudget;
using TrainMonitor.Errors;
using TrainMonitor.Probing;
using static TorchSharp.torch;

namespace TrainMonitor.Session;

/// <summary>
/// Runs one probe on the current thread and hands what became of it to the <see cref="ProbeReporter"/>: times it
/// (into the ledger's clock), confines the tensors it creates to a dispose scope, and tells a stop by
/// <see cref="TrainingMonitor.StopAsync"/> from a failure.
/// </summary>
internal sealed class ProbeRunner
{
    private readonly ProbeSet _probe;
    private readonly ErrorFunction _error;
    private readonly SpectralProbeOptions _probeOptions;
    private readonly CancellationToken _shutdown;
    private readonly RunLedger _ledger;
    private readonly ProbeReporter _reporter;

    // Added to by the probing threads, read by any thread: Interlocked.
    private long _probeThreadLiveDelta;

    public ProbeRunner(ProbeSet probe, ErrorFunction error, SpectralProbeOptions probeOptions, CancellationToken shutdown, RunLedger ledger,
        ProbeReporter reporter)
    {
        _probe = probe;
        _error = error;
        _probeOptions = probeOptions;
        _shutdown = shutdown;
        _ledger = ledger;
        _reporter = reporter;
    }

    /// <summary>Tensors the probes left alive on the threads they ran on (see TrainingMonitor.ProbeThreadLiveTensorDelta).</summary>
    public long ProbeThreadLiveTensorDelta => Interlocked.Read(ref _probeThreadLiveDelta);

    /// <summary>
    /// Runs one probe on <paramref name="model"/> on the current thread and reports it. Never throws.
    /// <paramref name="extraTicks"/> is probe time spent before the call (the weight copy in background mode);
    /// <paramref name="path"/> the learning rates since the previous probe (null when not known).
    /// </summary>
    public void Run(nn.Module<Tensor, Tensor> model, long step, double? learningRate, double? loss, LearningRatePath? path, long extraTicks)
    {
        var start = Stopwatch.GetTimestamp();
        var liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        SpectralProbeResult? result = null;
        Exception? failure = null;
        try
        {
            // Every tensor the probe creates on this thread dies with this scope (dispose scopes are per thread).
            using var scope = NewDisposeScope();
            result = SpectralProbe.Run(model, _probe.Batches, _error, _probeOptions, _shutdown);

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
            _ledger.AddProbeTime(cancelledAfter);
            _reporter.Cancelled(step, cancelledAfter);
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
            _ledger.AddProbeTime(Stopwatch.GetTimestamp() - start + extraTicks);
            _reporter.Fail(step, failure ?? new InvalidOperationException("The probe returned no result."));
            return;
        }

        var elapsed = Stopwatch.GetTimestamp() - start + extraTicks;
        _ledger.AddProbeTime(elapsed);
        var reporting = Stopwatch.GetTimestamp();
        try
        {
            _reporter.Complete(step, learningRate, loss, result, path, elapsed);
        }
        catch (Exception ex)
        {
            _reporter.Fail(step, ex);
        }
        finally
        {
            // The regime, the energy budget and the snapshot are the monitor's time too (about a fifth of a small probe's):
            // the budget and the overhead ratio count them, the snapshot's probe duration does not.
            _ledger.AddReportingTime(Stopwatch.GetTimestamp() - reporting);
        }
    }
}
