using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Outputs;
using TrainMonitor.Probing;
using TrainMonitor.Session;
using static TorchSharp.torch;

namespace TrainMonitor.Checkpoints;

/// <summary>
/// The seed's offline protocol on a series of saved checkpoints: each checkpoint probed on a fixed probe set as the live
/// monitor probes a training run (shell profile averaged over the batches, both frontiers, the fit, the regime from the
/// checkpoints before it), plus the spread of every shell over the batches, the unimodality verdict, the frontier's
/// displacement against ln t, and the same at several Lanczos depths with each shell's sensitivity to the depth
/// (docs/engine.md, "Checkpoint analysis").
/// </summary>
/// <remarks>
/// Each depth is one run: its snapshots go to the sinks with run name <see cref="CheckpointAnalysisOptions.RunNameAt"/>
/// and a run id of its own, depth after depth, so a JSON-lines file holds one run per depth, each readable by the
/// <c>trainmonitor</c> tool like a live run. The series is loaded once per depth (one model in memory at a time).
/// </remarks>
public static class CheckpointAnalysis
{
    /// <summary>Probes every checkpoint of <paramref name="checkpoints"/> at every depth and measures the protocol's quantities.</summary>
    /// <param name="checkpoints">The series; ordered by step here.</param>
    /// <param name="loadModel">
    /// Builds the model holding a checkpoint's weights, on the probe set's device. The analysis owns what it returns and
    /// disposes it after the probe; put it in the mode it should be probed in (usually <c>eval()</c>).
    /// </param>
    /// <param name="probe">The fixed probe set: the same batches for every checkpoint.</param>
    /// <param name="error">The error function defining the error vector.</param>
    /// <param name="options">Settings (defaults when null); validated here and copied.</param>
    /// <param name="sinks">Receivers of every probe's events (JSON lines, logs, TensorBoard, …), flushed before this returns, not disposed.</param>
    /// <param name="progress">Told when each probe starts and after each batch.</param>
    /// <param name="logger">Logger for failed probes (and the rest, when no <see cref="Outputs.Logging.LoggingSink"/> is among the sinks).</param>
    /// <param name="ct">Stops the analysis at the next Lanczos step, sketch vector or batch.</param>
    /// <exception cref="ArgumentException">No checkpoints, two with one step, an invalid setting (named), or a null sink.</exception>
    /// <exception cref="CheckpointLoadException"><paramref name="loadModel"/> failed; what was probed before reaches the sinks.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> fired.</exception>
    public static async Task<CheckpointAnalysisResult> RunAsync(IReadOnlyList<Checkpoint> checkpoints, Func<Checkpoint, nn.Module<Tensor, Tensor>> loadModel,
        ProbeSet probe, ErrorFunction error, CheckpointAnalysisOptions? options = null, IEnumerable<IMonitorSink>? sinks = null,
        IProgress<CheckpointAnalysisProgress>? progress = null, ILogger? logger = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(loadModel);
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(error);
        options ??= new CheckpointAnalysisOptions();
        options.Validate();
        options = options.Copy();
        var series = Order(checkpoints);
        var sinkArray = sinks?.ToArray() ?? [];
        if (sinkArray.Any(s => s is null))
        {
            throw new ArgumentException("A sink is null.", nameof(sinks));
        }

        var batches = probe.Batches;
        var depths = options.Depths;
        var runNames = depths.Select(options.RunNameAt).ToArray();
        logger = SinkLoggedEvents.For(logger ?? NullLogger.Instance, sinkArray);
        var dispatcher = new SinkDispatcher(sinkArray, options.RunName, logger);
        var probes = new List<CheckpointProbe>(depths.Count * series.Length);
        try
        {
            for (var d = 0; d < depths.Count; d++)
            {
                var probeOptions = options.Probe.Copy();
                probeOptions.LanczosSteps = depths[d];
                var run = new CheckpointRun(runNames[d], depths[d], series.Length, probeOptions, options.Regime, error.OperatorIsLossCurvature, logger, dispatcher);
                for (var c = 0; c < series.Length; c++)
                {
                    ct.ThrowIfCancellationRequested();
                    var at = new CheckpointAnalysisProgress(depths[d], d, depths.Count, series[c], c, series.Length, 0, batches.Count);
                    progress?.Report(at);
                    using var model = Load(loadModel, series[c]);
                    probes.Add(run.Probe(series[c], model, batches, error, measured => progress?.Report(at with { BatchesMeasured = measured }), ct));
                    progress?.Report(at with { BatchesMeasured = batches.Count });
                }
            }
        }
        finally
        {
            await dispatcher.CompleteAsync().ConfigureAwait(false);
        }

        var displacements = depths.Select(d => DisplacementMeasurement.Of(d, probes.Where(p => p.LanczosSteps == d).ToArray())).ToArray();
        var sensitivity = depths.Count < 2
            ? []
            : series.Select(c => DepthSweep.Of(c, depths, probes.Where(p => p.Checkpoint == c).ToArray())).OfType<DepthSensitivity>().ToArray();
        return new CheckpointAnalysisResult(series, depths, runNames, probes, displacements, sensitivity);
    }

    private static Checkpoint[] Order(IReadOnlyList<Checkpoint> checkpoints)
    {
        if (checkpoints.Count == 0)
        {
            throw new ArgumentException("The series holds no checkpoint.", nameof(checkpoints));
        }

        return StepOrder.Of(checkpoints.Select((c, i) => c ?? throw new ArgumentException($"Checkpoint {i} is null.", nameof(checkpoints))),
            nameof(checkpoints));
    }

    private static nn.Module<Tensor, Tensor> Load(Func<Checkpoint, nn.Module<Tensor, Tensor>> loadModel, Checkpoint checkpoint)
    {
        try
        {
            return loadModel(checkpoint) ?? throw new InvalidOperationException("the loader returned no model");
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not CheckpointLoadException)
        {
            throw new CheckpointLoadException(checkpoint, ex);
        }
    }
}
