namespace TrainMonitor.Testing.Tests.Training;

/// <summary>
/// Tests that seed the global torch random stream (to build the same model weights every time) run in this collection,
/// which xunit runs on its own, so no other test draws from that stream meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalStateCollection
{
    public const string Name = "Torch global state";
}
