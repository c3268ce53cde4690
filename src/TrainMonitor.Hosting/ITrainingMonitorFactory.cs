using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Probing;
using TrainMonitor.Session;
using static TorchSharp.torch;

namespace TrainMonitor.Hosting;

/// <summary>
/// What a training loop resolves from DI: attaches a <see cref="TrainingMonitor"/> configured from the host's
/// options, with the host's sinks and logger, and drained by the host on shutdown.
/// </summary>
public interface ITrainingMonitorFactory
{
    /// <summary>Attaches a monitor to <paramref name="model"/>.</summary>
    /// <param name="model">The model being trained.</param>
    /// <param name="probe">The fixed held-out probe set (the monitor takes ownership).</param>
    /// <param name="error">The error function.</param>
    /// <param name="modelFactory">Builds a second instance of the model; required in background mode.</param>
    /// <param name="configure">
    /// Last word on the options, applied after configuration: code, then configuration, then the defaults (which
    /// MSBuild properties of the package can set) is the precedence.
    /// </param>
    /// <exception cref="ArgumentException">
    /// As <c>TrainingMonitor.Attach</c>: a setting is invalid, or (when enabled) the model cannot run on the first probe batch or
    /// the error function fails on it; the message names the shapes, dtypes and devices. Checked before the run's sinks are
    /// created, so a failed attach leaves no JSON-lines file behind.
    /// </exception>
    TrainingMonitor Attach(nn.Module<Tensor, Tensor> model, ProbeSet probe, ErrorFunction error,
        Func<nn.Module<Tensor, Tensor>>? modelFactory = null, Action<MonitorOptions>? configure = null);
}
