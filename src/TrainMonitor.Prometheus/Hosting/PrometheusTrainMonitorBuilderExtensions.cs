using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Prometheus;
using TrainMonitor.Hosting;
using TrainMonitor.Prometheus;
using TrainMonitor.Prometheus.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Prometheus exporter to a hosted TrainMonitor.</summary>
public static class PrometheusTrainMonitorBuilderExtensions
{
    /// <summary>
    /// Exports every attached run's probes as <c>trainmonitor_*</c> metrics in <paramref name="registry"/> (default
    /// <see cref="Metrics.DefaultRegistry"/>, which an ASP.NET app can serve with <c>app.MapMetrics()</c>) and serves
    /// them on a standalone endpoint, <c>http://127.0.0.1:9464/metrics</c> by default. On the default registry only the
    /// default collectors whose output passes <c>promtool check metrics</c> are kept (process metrics and the
    /// application's own meters; docs/observability.md). Settings bind from the <c>Prometheus</c> key of the monitor's
    /// section and are validated at start (a taken port or a host that cannot be bound fails start-up, naming the key).
    /// </summary>
    public static ITrainMonitorBuilder AddPrometheusExporter(this ITrainMonitorBuilder builder, Action<PrometheusExporterOptions>? configure = null,
        CollectorRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.BindSection<PrometheusExporterOptions>("Prometheus");

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PrometheusExporterOptions>, PrometheusExporterOptionsValidation>());
        // Now, not at start: prometheus-net reads its default-collector choice at the registry's first collection,
        // and an application that wants other defaults can still override it after this call.
        registry ??= Metrics.DefaultRegistry;
        DefaultRegistryMetrics.ApplyIfDefault(registry);
        builder.Services.TryAddSingleton(_ => new PrometheusSink(registry));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IMonitorSinkProvider, PrometheusSinkProvider>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PrometheusEndpointService>());
        return builder;
    }
}
