using System.Text.Json;
using System.Text.RegularExpressions;

namespace TrainMonitor.Observability.Tests.Bundle;

/// <summary>The shipped Grafana dashboard JSON, read for its panels, queries and template variables.</summary>
internal sealed partial class GrafanaDashboard
{
    private GrafanaDashboard(JsonElement root) => Root = root;

    public JsonElement Root { get; }

    public static GrafanaDashboard Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(ObservabilityBundle.DashboardPath));
        return new GrafanaDashboard(document.RootElement.Clone());
    }

    public IReadOnlyList<JsonElement> Panels =>
        Root.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.TryGetProperty("panels", out var nested) ? nested.EnumerateArray().Prepend(p) : [p])
            .Where(p => p.GetProperty("type").GetString() != "row")
            .ToArray();

    public IReadOnlyList<DashboardTarget> Targets =>
        Panels.SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => new DashboardTarget(
                p.GetProperty("title").GetString()!,
                p.GetProperty("type").GetString()!,
                t.GetProperty("refId").GetString()!,
                t.GetProperty("expr").GetString()!)))
            .ToArray();

    public IReadOnlyList<JsonElement> Variables => Root.GetProperty("templating").GetProperty("list").EnumerateArray().ToArray();

    /// <summary>
    /// The expression as Grafana would send it: <c>$run</c> (and <c>${run}</c>) replaced by <paramref name="run"/>,
    /// <c>$run_id</c> by <paramref name="runId"/> (default <c>.*</c>, the variable's All value), and <c>$__rate_interval</c> by
    /// <paramref name="rateInterval"/>. Throws if another variable is left.
    /// </summary>
    public static string Substitute(string expression, string run, string rateInterval, string runId = ".*")
    {
        var result = expression
            .Replace("$__rate_interval", rateInterval, StringComparison.Ordinal)
            .Replace("${run_id}", runId, StringComparison.Ordinal)
            .Replace("$run_id", runId, StringComparison.Ordinal)
            .Replace("${run}", run, StringComparison.Ordinal)
            .Replace("$run", run, StringComparison.Ordinal);
        var left = Variable().Match(result);
        if (left.Success)
        {
            throw new InvalidOperationException($"The dashboard query '{expression}' uses variable {left.Value}, which the tests do not know.");
        }

        return result;
    }

    [GeneratedRegex(@"\$\{?[A-Za-z_]\w*")]
    private static partial Regex Variable();
}
