namespace TrainMonitor.Tests.Operators;

/// <summary>
/// Tests that read or set process-wide torch state (the global RNG via manual_seed, the flash-SDPA flag) run in
/// this collection, which xunit runs on its own after the parallel ones, so no other test class races them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalStateCollection
{
    public const string Name = "Torch global state";
}
