using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using TrainMonitor.Session;

namespace TrainMonitor.Hosting;

/// <summary>
/// Fails start-up for a key of the monitor's section that no options class binds, e.g. a misspelt
/// <c>TrainMonitor:Probe:LanczsoSteps</c>, which the binder would otherwise ignore, leaving the setting at its default.
/// </summary>
/// <remarks>
/// The binder's own <c>ErrorOnUnknownConfiguration</c> cannot do this here: the monitor, the JSON-lines sink and the
/// exporter bind different keys of the same section, so each would reject the others' keys, and its message names the
/// property but not the key's path. This walks the section once against every type bound from it.
/// </remarks>
internal sealed class UnknownSettingsValidation(IConfiguration section, IEnumerable<MonitorConfigurationBinding> bindings)
    : IValidateOptions<MonitorOptions>
{
    public ValidateOptionsResult Validate(string? name, MonitorOptions options)
    {
        var failures = new List<string>();
        var all = bindings.ToArray();
        // Integrations bind a child of the section (Prometheus) or the section itself (JSON lines, the monitor).
        Walk(section, all.Where(b => b.Key.Length == 0).Select(b => b.OptionsType).ToArray(), all.Where(b => b.Key.Length > 0).ToArray(), failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Walk(IConfiguration node, Type[] types, MonitorConfigurationBinding[] childBindings, List<string> failures)
    {
        var properties = types.SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)).ToArray();
        foreach (var child in node.GetChildren())
        {
            var matches = properties.Where(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase)).ToArray();
            var childTypes = matches.Select(p => p.PropertyType).Where(IsSection)
                .Concat(childBindings.Where(b => string.Equals(b.Key, child.Key, StringComparison.OrdinalIgnoreCase)).Select(b => b.OptionsType))
                .ToArray();
            if (matches.Any(p => AcceptsAnything(p.PropertyType)))
            {
                continue;
            }

            if (childTypes.Length > 0)
            {
                Walk(child, childTypes, [], failures);
            }
            else if (matches.Length == 0 || child.GetChildren().Any())
            {
                failures.Add(Unknown(child, properties.Select(p => p.Name)));
            }
        }
    }

    private static string Unknown(IConfigurationSection child, IEnumerable<string> known)
    {
        var value = child.Value is { } v ? $" = '{v}'" : string.Empty;
        var parent = child.Path[..^child.Key.Length];
        var suggestion = known.Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(k => (Name: k, Distance: EditDistance(k.ToUpperInvariant(), child.Key.ToUpperInvariant())))
            .Where(k => k.Distance <= 2).OrderBy(k => k.Distance).Select(k => $"; did you mean {parent}{k.Name}?").FirstOrDefault();
        return $"{child.Path}{value} is not a known setting{suggestion ?? string.Empty} (unknown keys are rejected: a misspelt one would silently keep the default).";
    }

    // Options classes and their nested settings objects; not strings, enums, numbers or collections.
    private static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type);

    // Collections and dictionaries take keys of the user's choosing.
    private static bool AcceptsAnything(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
