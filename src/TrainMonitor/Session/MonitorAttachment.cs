using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Outputs;
using TrainMonitor.Probing;
using TrainMonitor.Scheduling;
using static TorchSharp.torch;

namespace TrainMonitor.Session;

/// <summary>
/// What <see cref="TrainingMonitor.Attach(nn.Module{Tensor, Tensor}, ProbeSet, ErrorFunction, MonitorOptions?, IEnumerable{IMonitorSink}?, Func{nn.Module{Tensor, Tensor}}?, ILogger{TrainingMonitor}?, IProbeSchedule?)"/>
/// does before a monitor exists: validate and copy the settings, check the probe set against the model, put the probe set on
/// the model's device and cap it at <see cref="MonitorOptions.MaxProbeExamples"/>, build the background copy, warm the probe
/// path up (<see cref="ProbeWarmUp"/>).
/// </summary>
internal static class MonitorAttachment
{
    public static TrainingMonitor Attach(nn.Module<Tensor, Tensor> model, ProbeSet probe, ErrorFunction error, MonitorOptions? options,
        IEnumerable<IMonitorSink>? sinks, Func<nn.Module<Tensor, Tensor>>? modelFactory, ILogger<TrainingMonitor>? logger,
        IProbeSchedule? schedule, bool checkFirstBatch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(error);
        // Validated once, here, and copied: the monitor keeps settings nobody else can change.
        options ??= new MonitorOptions();
        options.Validate();
        options = options.Copy();
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
        if (checkFirstBatch && options.Enabled)
        {
            // A mismatch found now is one exception naming it, not a logged failure at every probe of the run.
            AttachCheck.Run(model, probe, error);
        }

        ProbeSet? owned = null;
        ShadowModel? shadow = null;
        try
        {
            if (probeBatches.Count > 0 && (probe.Device.type != device.type || probe.Device.index != device.index))
            {
                owned = probe.To(device);
            }

            if (options.MaxProbeExamples > 0 && probe.Count > options.MaxProbeExamples)
            {
                var prefix = (owned ?? probe).Prefix(options.MaxProbeExamples);
                owned?.Dispose();
                owned = prefix;
                GuardedLog.Write(() => MonitorLog.ProbeSetCapped((ILogger?)logger ?? NullLogger.Instance, options.RunName, options.MaxProbeExamples, probe.Count));
            }

            if (options.Mode == ExecutionMode.Background)
            {
                shadow = ShadowModel.Create(model, modelFactory!);
            }

            if (options.Enabled)
            {
                ProbeWarmUp.Run(shadow?.Model ?? model, owned ?? probe, error, options.Probe);
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
}
