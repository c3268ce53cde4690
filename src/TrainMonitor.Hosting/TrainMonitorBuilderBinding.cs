using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TrainMonitor.Hosting;

/// <summary>How the monitor and its integrations bind their options from the monitor's configuration section.</summary>
internal static class TrainMonitorBuilderBinding
{
    /// <summary>
    /// Binds <typeparamref name="T"/> from <paramref name="key"/> of the builder's section (empty: the section itself)
    /// and records the binding for the unknown-key check. A value that does not convert (e.g. <c>Port=abc</c>) fails as
    /// an <see cref="OptionsValidationException"/>, like every other bad setting, instead of the binder's
    /// <see cref="InvalidOperationException"/>, so a host reports every start-up failure the same way.
    /// </summary>
    public static OptionsBuilder<T> BindSection<T>(this ITrainMonitorBuilder builder, string key)
        where T : class
    {
        var options = builder.Services.AddOptions<T>();
        if (builder.Configuration is not { } configuration)
        {
            return options;
        }

        var section = key.Length == 0 ? configuration : configuration.GetSection(key);
        builder.Services.AddSingleton(new MonitorConfigurationBinding(key, typeof(T)));
        return options.Configure(o =>
        {
            try
            {
                section.Bind(o);
            }
            catch (InvalidOperationException ex)
            {
                // The binder's message names the key and the value; its inner exception repeats the value only.
                throw new OptionsValidationException(Options.DefaultName, typeof(T), [ex.Message]);
            }
        });
    }
}
