using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using TrainMonitor.Session;
using TrainMonitor.Torch;
using static TorchSharp.torch;

namespace TrainMonitor.Checkpoints;

/// <summary>
/// The probes of one depth over the series, reported as a live run is: the same ledger, regime tracker, snapshot mapping,
/// log events and sink events as <see cref="TrainingMonitor"/>, so the checkpoints of one depth read as one run whose
/// steps are the checkpoints' steps. Only the training loop and the schedule are missing.
/// </summary>
internal sealed class CheckpointRun
{
    private readonly int _depth;
    private readonly SpectralProbeOptions _probeOptions;
    private readonly RunLedger _ledger;
    private readonly ProbeReporter _reporter;

    public CheckpointRun(string run, int depth, int checkpoints, SpectralProbeOptions probeOptions, RegimeThresholds regime, bool stabilityMarginApplies,
        ILogger logger, SinkDispatcher dispatcher)
    {
        _depth = depth;
        _probeOptions = probeOptions;
        _ledger = new RunLedger(run, enabled: true, historyLimit: Math.Max(1, checkpoints));
        _reporter = new ProbeReporter(run, logger, _ledger, dispatcher, probeOptions, regime, stabilityMarginApplies);
    }

    /// <summary>
    /// Probes <paramref name="model"/>, the weights of <paramref name="checkpoint"/>, and reports the probe. A failing probe
    /// is reported (log, sinks) and returned as a failure, like a live probe; only cancellation propagates.
    /// </summary>
    public CheckpointProbe Probe(Checkpoint checkpoint, nn.Module<Tensor, Tensor> model, IReadOnlyList<ProbeBatch> batches, ErrorFunction error,
        Action<int> batchMeasured, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var roundoff = FloatPrecision.Epsilon(FloatPrecision.Coarsest(
            model.parameters().Where(p => p.requires_grad && p.is_floating_point()).Select(p => p.dtype)));
        SpectralProbeResult result;
        try
        {
            using var scope = NewDisposeScope();
            result = SpectralProbe.Run(model, batches, error, _probeOptions, batchMeasured, ct);
            if (!double.IsFinite(result.ErrorEnergy) && !result.IsNonFinite)
            {
                throw new ArithmeticException($"The probe's error energy is {result.ErrorEnergy}.");
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            _reporter.Fail(checkpoint.Step, ex);
            return new CheckpointProbe
            {
                Checkpoint = checkpoint,
                LanczosSteps = _depth,
                Batches = batches.Count,
                UnitRoundoff = roundoff,
                Failure = $"{ex.GetType().Name}: {ex.Message}",
            };
        }

        var elapsed = Stopwatch.GetTimestamp() - start;
        _ledger.AddProbeTime(elapsed);
        _reporter.Complete(checkpoint.Step, learningRate: null, loss: null, result, path: null, elapsed);
        var (spread, outcomes) = BatchProfiles.Of(result, _probeOptions.Frontier);
        return new CheckpointProbe
        {
            Checkpoint = checkpoint,
            LanczosSteps = _depth,
            Snapshot = _ledger.History[^1],
            Batches = batches.Count,
            UnitRoundoff = roundoff,
            BatchSpread = spread,
            // A diverged probe succeeded (it is reported, the regime turns unstable), so it gets a verdict like any other:
            // undecided, for the reason its frontier gives.
            Unimodality = result.IsNonFinite
                ? Frontier.UnimodalityVerdict.Undecided(result.Frontier.Reason ?? "the error energy is not finite")
                : Frontier.UnimodalityVerdict.Of(result.Profile, _probeOptions.Frontier),
            BatchUnimodality = outcomes,
        };
    }
}
