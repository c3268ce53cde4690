using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Options;
using TrainMonitor.Frontier;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using TrainMonitor.Session;

namespace TrainMonitor.Hosting;

/// <summary>Runs <see cref="MonitorOptions.Validate"/> at start-up and reports the failing setting by its configuration path.</summary>
internal sealed class MonitorOptionsValidation : IValidateOptions<MonitorOptions>
{
    public ValidateOptionsResult Validate(string? name, MonitorOptions options)
    {
        var failures = new List<string>();
        Check(failures, string.Empty, options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string prefix, MonitorOptions options)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            var setting = string.IsNullOrEmpty(ex.ParamName) ? "(unknown setting)" : ConfigurationPath(ex.ParamName);
            var value = Value(options, ex) is { } shown ? $" = '{shown}'" : string.Empty;
            failures.Add($"TrainMonitor:{prefix}{setting}{value} is invalid: {FirstSentence(ex.Message)}");
        }
    }

    /// <summary>The bad value as configured, so the message shows what to fix; null when it cannot be found.</summary>
    private static string? Value(MonitorOptions options, ArgumentException ex)
    {
        if (ex is ArgumentOutOfRangeException { ActualValue: { } actual })
        {
            return Convert.ToString(actual, CultureInfo.InvariantCulture);
        }

        // A plain ArgumentException carries no value: read the setting its parameter name points at.
        object? current = options;
        foreach (var part in ConfigurationPath(ex.ParamName ?? string.Empty).Split(':'))
        {
            current = current?.GetType().GetProperty(part, BindingFlags.Public | BindingFlags.Instance)?.GetValue(current);
        }

        return current is null ? null : Convert.ToString(current, CultureInfo.InvariantCulture);
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
