namespace TrainMonitor.Observability.Tests.PrometheusServer;

/// <summary>One series of a Prometheus query result: its labels and samples (Unix seconds, value; NaN kept as NaN).</summary>
internal sealed record PromSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(double Time, double Value)> Samples)
{
    public string Label(string name) => Labels.TryGetValue(name, out var value) ? value : string.Empty;

    public override string ToString() =>
        "{" + string.Join(", ", Labels.Select(l => $"{l.Key}=\"{l.Value}\"")) + "} " + string.Join(" ", Samples.Select(s => s.Value));
}
