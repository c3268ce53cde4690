namespace TrainMonitor.Observability.Tests.Bundle;

/// <summary>One query of the Grafana dashboard: the panel it belongs to, its refId and PromQL expression (with variables).</summary>
internal sealed record DashboardTarget(string PanelTitle, string PanelType, string RefId, string Expression)
{
    public override string ToString() => $"{PanelTitle} [{RefId}]";
}
