using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Outputs;
using TrainMonitor.Probing;
using TrainMonitor.Session;
using static TorchSharp.torch;

namespace TrainMonitor.Hosting;

/// <summary>
/// Owns the monitors attached through DI for the lifetime of the host. Background-mode probes run on each
/// monitor's worker while the host runs; on shutdown every monitor is drained (a running probe finishes, every
/// event reaches the sinks, the sinks are flushed) before the per-run sinks are closed, so nothing is lost or
/// half-written.
/// </summary>
internal sealed class TrainMonitorHostedService : BackgroundService, ITrainingMonitorFactory
{
    private readonly IOptionsFactory<MonitorOptions> _optionsFactory;
    private readonly IEnumerable<IMonitorSinkProvider> _sinkProviders;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<TrainMonitorHostedService> _logger;
    private readonly List<Attachment> _attachments = new();
    private readonly object _gate = new();
    private bool _stopping;

    public TrainMonitorHostedService(IOptionsFactory<MonitorOptions> optionsFactory, IEnumerable<IMonitorSinkProvider> sinkProviders,
        ILoggerFactory loggerFactory)
    {
        _optionsFactory = optionsFactory;
        _sinkProviders = sinkProviders;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<TrainMonitorHostedService>();
    }

    public TrainingMonitor Attach(nn.Module<Tensor, Tensor> model, ProbeSet probe, ErrorFunction error,
        Func<nn.Module<Tensor, Tensor>>? modelFactory = null, Action<MonitorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(error);
        // A fresh instance per monitor: configuration applied by the options factory, then the caller's code.
        var options = _optionsFactory.Create(Options.DefaultName);
        configure?.Invoke(options);
        options.Validate();
        if (options.Enabled)
        {
            // Before the run's sinks exist: a model and probe set that cannot be probed open no JSON-lines file.
            AttachCheck.Run(model, probe, error);
        }

        TrainingMonitor? monitor = null;
        var context = new MonitorSinkContext(options.RunName,
            () => (monitor ?? throw new InvalidOperationException("The monitor is not attached yet.")).Status);
        var sinks = _sinkProviders.Select(p => p.Create(context)).ToArray();
        try
        {
            monitor = TrainingMonitor.Attach(model, probe, error, options, sinks, modelFactory, _loggerFactory.CreateLogger<TrainingMonitor>(),
                schedule: null, checkFirstBatch: false);
        }
        catch
        {
            DisposeSinksAsync(sinks).AsTask().GetAwaiter().GetResult();
            throw;
        }

        lock (_gate)
        {
            if (_stopping)
            {
                monitor.Dispose();
                DisposeSinksAsync(sinks).AsTask().GetAwaiter().GetResult();
                throw new InvalidOperationException("The host is stopping; no monitor can be attached.");
            }

            _attachments.Add(new Attachment(monitor, sinks));
        }

        _logger.LogInformation("TrainMonitor attached to run {Run} ({Mode} mode, {Batches} probe batches)",
            options.RunName, options.Mode, probe.Batches.Count);
        return monitor;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The monitors run their own probe workers; the service's job is their lifetime. Completing immediately
        // would make the host treat the service as finished, so it waits for shutdown.
        return Task.Delay(Timeout.Infinite, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Attachment[] attachments;
        lock (_gate)
        {
            _stopping = true;
            attachments = _attachments.ToArray();
            _attachments.Clear();
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        foreach (var attachment in attachments)
        {
            try
            {
                // Graceful until the host's shutdown timeout; then a running probe is cancelled, not waited for.
                await attachment.Monitor.StopAsync(cancellationToken).ConfigureAwait(false);
                await attachment.Monitor.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Draining the monitor of run {Run} failed", attachment.Monitor.Status.Run);
            }

            await DisposeSinksAsync(attachment.Sinks).ConfigureAwait(false);
        }
    }

    private async ValueTask DisposeSinksAsync(IMonitorSink[] sinks)
    {
        foreach (var sink in sinks)
        {
            try
            {
                switch (sink)
                {
                    case IAsyncDisposable asyncDisposable:
                        await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Closing sink {Sink} failed", sink.GetType().Name);
            }
        }
    }

    private sealed record Attachment(TrainingMonitor Monitor, IMonitorSink[] Sinks);
}
