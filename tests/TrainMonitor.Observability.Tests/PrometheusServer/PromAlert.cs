namespace TrainMonitor.Observability.Tests.PrometheusServer;

/// <summary>An active alert as <c>/api/v1/alerts</c> reports it: labels (alertname included), annotations and state.</summary>
internal sealed record PromAlert(IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations, string State)
{
    public string Label(string name) => Labels.TryGetValue(name, out var value) ? value : string.Empty;
}
