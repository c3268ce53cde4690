namespace TrainMonitor.Observability.Tests.Live;

/// <summary>The live tests share one Prometheus and one pair of training runs.</summary>
[CollectionDefinition(Name)]
public sealed class LiveMonitoringCollection : ICollectionFixture<LiveMonitoringFixture>
{
    public const string Name = "Live Prometheus";
}
