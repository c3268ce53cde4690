namespace TrainMonitor.Packaging.Tests;

/// <summary>
/// The test classes that use the packed feed: one <see cref="PackedConsumerFixture"/> (one pack, one consumer build) for
/// all of them, and they run one after another, as their commands share the feed, the consumers and the NuGet cache.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PackagingCollection : ICollectionFixture<PackedConsumerFixture>
{
    public const string Name = "Packed TrainMonitor";
}
