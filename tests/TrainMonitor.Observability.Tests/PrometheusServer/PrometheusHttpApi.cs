using System.Globalization;
using System.Text.Json;

namespace TrainMonitor.Observability.Tests.PrometheusServer;

/// <summary>The parts of Prometheus's HTTP API (<c>/api/v1/…</c>) the tests use; every call throws on an API error, naming the query.</summary>
internal sealed class PrometheusHttpApi(HttpClient http)
{
    public async Task<IReadOnlyList<PromSeries>> QueryAsync(string expression, CancellationToken ct = default)
    {
        var data = await GetDataAsync($"/api/v1/query?query={Uri.EscapeDataString(expression)}", expression, ct);
        return ParseResult(data);
    }

    public async Task<IReadOnlyList<PromSeries>> QueryRangeAsync(string expression, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken ct = default)
    {
        var url = string.Create(CultureInfo.InvariantCulture,
            $"/api/v1/query_range?query={Uri.EscapeDataString(expression)}&start={start.ToUnixTimeMilliseconds() / 1000.0}&end={end.ToUnixTimeMilliseconds() / 1000.0}&step={step.TotalSeconds}");
        var data = await GetDataAsync(url, expression, ct);
        return ParseResult(data);
    }

    public async Task<IReadOnlyList<PromAlert>> AlertsAsync(CancellationToken ct = default)
    {
        var data = await GetDataAsync("/api/v1/alerts", "alerts", ct);
        return data.GetProperty("alerts").EnumerateArray()
            .Select(a => new PromAlert(Strings(a.GetProperty("labels")), Strings(a.GetProperty("annotations")), a.GetProperty("state").GetString()!))
            .ToArray();
    }

    public async Task<IReadOnlyList<string>> LabelValuesAsync(string label, string match, CancellationToken ct = default)
    {
        var data = await GetDataAsync($"/api/v1/label/{label}/values?match[]={Uri.EscapeDataString(match)}", match, ct);
        return data.EnumerateArray().Select(v => v.GetString()!).ToArray();
    }

    public async Task<bool> IsReadyAsync(CancellationToken ct = default)
    {
        try
        {
            using var response = await http.GetAsync("/-/ready", ct);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private async Task<JsonElement> GetDataAsync(string url, string what, CancellationToken ct)
    {
        using var response = await http.GetAsync(url, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"Prometheus rejected '{what}': {body}");
        }

        return root.GetProperty("data").Clone();
    }

    private static IReadOnlyList<PromSeries> ParseResult(JsonElement data)
    {
        var type = data.GetProperty("resultType").GetString();
        var series = new List<PromSeries>();
        foreach (var item in data.GetProperty("result").EnumerateArray())
        {
            var labels = Strings(item.GetProperty("metric"));
            var samples = type switch
            {
                "vector" => [Sample(item.GetProperty("value"))],
                "matrix" => item.GetProperty("values").EnumerateArray().Select(Sample).ToList(),
                _ => throw new InvalidOperationException($"Unexpected result type '{type}'."),
            };
            series.Add(new PromSeries(labels, samples));
        }

        return series;
    }

    private static (double, double) Sample(JsonElement pair) =>
        (pair[0].GetDouble(), double.Parse(pair[1].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture));

    private static Dictionary<string, string> Strings(JsonElement obj) =>
        obj.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty, StringComparer.Ordinal);
}
