using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TrainMonitor.Hosting;
using TrainMonitor.Session;
using TrainMonitor.Telemetry;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers TrainMonitor in a host.</summary>
public static class TrainMonitorServiceCollectionExtensions
{
    /// <summary>
    /// Adds TrainMonitor with <see cref="MonitorOptions"/> bound from <paramref name="configuration"/> (typically the
    /// <c>TrainMonitor</c> section) and validated when the host starts. Resolve <see cref="ITrainingMonitorFactory"/>
    /// to attach a monitor to a model. Start-up fails with an <see cref="OptionsValidationException"/> naming the key
    /// and the value for a setting out of range, a value that does not convert, and a key of the section that neither
    /// the monitor nor an added integration binds (a misspelt key would otherwise leave its setting at the default; this
    /// check needs a section such as <c>GetSection("TrainMonitor")</c>, not the configuration root).
    /// </summary>
    public static ITrainMonitorBuilder AddTrainMonitor(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = AddCore(services, configuration);
        builder.BindSection<MonitorOptions>(string.Empty);
        // Only a section is the monitor's own: the root of a host's configuration also holds every environment
        // variable and the other libraries' sections, which are no business of the monitor's.
        if (configuration is IConfigurationSection)
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MonitorOptions>, UnknownSettingsValidation>(
                sp => new UnknownSettingsValidation(configuration, sp.GetServices<MonitorConfigurationBinding>())));
        }
        return builder;
    }

    /// <summary>Adds TrainMonitor with options set in code.</summary>
    public static ITrainMonitorBuilder AddTrainMonitor(this IServiceCollection services, Action<MonitorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<MonitorOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        return AddCore(services, configuration: null);
    }

    /// <summary>
    /// Writes one JSON-lines file per run into <paramref name="outputDirectory"/> (or, when null, the
    /// <c>OutputDirectory</c> key of the monitor's configuration section, default <c>runs</c>). The directory is
    /// checked for writing when the host starts.
    /// </summary>
    public static ITrainMonitorBuilder AddJsonLines(this ITrainMonitorBuilder builder, string? outputDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.BindSection<JsonLinesOptions>(string.Empty);

        if (outputDirectory is not null)
        {
            options.Configure(o => o.OutputDirectory = outputDirectory);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JsonLinesOptions>, JsonLinesOptionsValidation>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IMonitorSinkProvider, JsonLinesSinkProvider>());
        return builder;
    }

    private static TrainMonitorBuilder AddCore(IServiceCollection services, IConfiguration? configuration)
    {
        services.AddOptions<MonitorOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MonitorOptions>, MonitorOptionsValidation>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMonitorSinkProvider, LoggingSinkProvider>());
        // The metrics as a System.Diagnostics.Metrics meter "TrainMonitor", created through the host's IMeterFactory when it
        // has one: an OpenTelemetry pipeline with AddMeter("TrainMonitor") receives them with no other code.
        services.TryAddSingleton(sp => new TrainMonitorMeter(sp.GetService<IMeterFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMonitorSinkProvider, MeterSinkProvider>());
        services.TryAddSingleton<TrainMonitorHostedService>();
        services.TryAddSingleton<ITrainingMonitorFactory>(sp => sp.GetRequiredService<TrainMonitorHostedService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TrainMonitorHostedService>(sp => sp.GetRequiredService<TrainMonitorHostedService>()));
        return new TrainMonitorBuilder(services, configuration);
    }
}
