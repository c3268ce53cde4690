namespace TrainingHealthTests;

/// <summary>
/// Every test here builds its model from the global torch random stream (manual_seed), so the classes run one after
/// the other instead of in parallel: the same weights on every CI run.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainingCollection
{
    public const string Name = "Seeded trainings";
}
