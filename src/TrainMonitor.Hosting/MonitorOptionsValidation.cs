using Microsoft.Extensions.Options;
using TrainMonitor.Monitoring;

namespace TrainMonitor.Hosting;

/// <summary>Runs <see cref="MonitorOptions.Validate"/> at start-up and reports the failing setting by its configuration path.</summary>
internal sealed class MonitorOptionsValidation : IValidateOptions<MonitorOptions>
{
    public ValidateOptionsResult Validate(string? name, MonitorOptions options)
    {
        var failures = new List<string>();
        Check(failures, string.Empty, options.Validate);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string prefix, Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentException ex)
        {
            var setting = string.IsNullOrEmpty(ex.ParamName) ? "(unknown setting)" : ConfigurationPath(ex.ParamName);
            failures.Add($"TrainMonitor:{prefix}{setting} is invalid: {FirstSentence(ex.Message)}");
        }
    }

    /// <summary>Maps a parameter name such as <c>Schedule.ProbeInterval</c> or a probe option to its configuration key.</summary>
    internal static string ConfigurationPath(string parameter)
    {
        if (parameter.Contains('.', StringComparison.Ordinal))
        {
            return parameter.Replace('.', ':').Replace("RegimeThresholds:", "Regime:", StringComparison.Ordinal);
        }

        if (typeof(Probing.SpectralProbeOptions).GetProperty(parameter) is not null)
        {
            return "Probe:" + parameter;
        }

        if (typeof(Regimes.RegimeThresholds).GetProperty(parameter) is not null)
        {
            return "Regime:" + parameter;
        }

        if (typeof(Frontier.FrontierFitOptions).GetProperty(parameter) is not null)
        {
            return "Probe:Frontier:" + parameter;
        }

        return parameter;
    }

    // ArgumentException appends " (Parameter 'x')" and the actual value on new lines; the setting is named already.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return (cut >= 0 ? message[..cut] : message).Trim();
    }
}
