using TrainMonitor.EnergyBudget;
using System.Diagnostics;
using TorchSharp;
using TrainMonitor.Torch;
using static TorchSharp.torch;

namespace TrainMonitor.Session;

/// <summary>
/// Carries out a due probe: inline, on the model on the training thread; or in the background, copying the weights to
/// the shadow model on the training thread and probing the copy on the worker, one probe in flight — a probe due while
/// one runs is skipped and counted.
/// </summary>
internal sealed class ProbeExecutor
{
    private readonly ExecutionMode _mode;
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly ShadowModel? _shadow;
    private readonly TorchWorker? _worker;
    private readonly RunLedger _ledger;
    private readonly ProbeRunner _runner;
    private readonly ProbeReporter _reporter;

    // Background mode. Written by the training thread in ProbeDue, except _busy, which the worker clears when its probe
    // ends; _running is read by any thread (flush, disposal).
    private Task? _running;
    private int _busy;
    private long _runningStep;

    /// <summary>Takes the <paramref name="shadow"/> model and the <paramref name="worker"/> (both null inline) and disposes them in <see cref="Release"/>.</summary>
    public ProbeExecutor(ExecutionMode mode, nn.Module<Tensor, Tensor> model, ShadowModel? shadow, TorchWorker? worker, RunLedger ledger,
        ProbeRunner runner, ProbeReporter reporter)
    {
        _mode = mode;
        _model = model;
        _shadow = shadow;
        _worker = worker;
        _ledger = ledger;
        _runner = runner;
        _reporter = reporter;
    }

    /// <summary>The background probe started last (null before the first); it may have finished.</summary>
    public Task? Running => Volatile.Read(ref _running);

    /// <summary>Probes now (inline) or starts a probe on the worker (background). Training thread only.</summary>
    public void ProbeDue(long step, double? learningRate)
    {
        if (_mode == ExecutionMode.Inline)
        {
            var (inlinePath, inlineLoss) = _ledger.MarkProbeStarted(step);
            _runner.Run(_model, step, learningRate, inlineLoss, inlinePath, extraTicks: 0);
            return;
        }

        if (Volatile.Read(ref _busy) != 0)
        {
            var skipped = _ledger.CountSkipped(step);
            var reason = $"the probe started at step {Volatile.Read(ref _runningStep)} is still running";
            _reporter.Skipped(step, reason, skipped);
            return;
        }

        var (path, loss) = _ledger.MarkProbeStarted(step);
        var copyStart = Stopwatch.GetTimestamp();
        try
        {
            _shadow!.CopyFrom(_model);
        }
        catch (Exception ex)
        {
            _ledger.AddProbeTime(Stopwatch.GetTimestamp() - copyStart);
            _reporter.Fail(step, ex);
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
                    _runner.Run(shadowModel, step, learningRate, loss, path, copyTicks);
                }
                finally
                {
                    Volatile.Write(ref _busy, 0);
                }
            });
        Volatile.Write(ref _running, task);
    }

    /// <summary>
    /// Probes (inline) or starts a probe (background) at the last step the loop reported unless one was taken at it, and
    /// returns that step. For a probe on demand and the final probe. Training thread, or the drain once training is over.
    /// </summary>
    public long ProbeLastReportedStep()
    {
        if (_ledger.UnprobedLastStep() is not { } at)
        {
            return _ledger.Status.TrainingStep;
        }

        ProbeDue(at.Step, at.LearningRate);
        return at.Step;
    }

    /// <summary>Disposes the worker, then the shadow model. Once, after the last probe.</summary>
    public void Release()
    {
        _worker?.Dispose();
        _shadow?.Dispose();
    }
}
