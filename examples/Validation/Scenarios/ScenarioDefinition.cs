namespace Validation.Scenarios;

/// <summary>
/// One scenario: how it is trained and the ground truth it has by construction. The ground truth is data
/// (<see cref="Groups"/>, <see cref="Onset"/>), read by the scoring; nothing downstream branches on a scenario's name.
/// </summary>
/// <param name="BaseName">Name without the seed, e.g. <c>mlp-sgd-healthy</c>.</param>
/// <param name="Groups">The ground-truth groups the run belongs to.</param>
/// <param name="Model">The network (the task follows from it).</param>
/// <param name="Optimizer">Optimizer and base rate.</param>
/// <param name="Steps">Optimizer steps.</param>
/// <param name="Seed">Seeds the data split, the initial weights and the minibatch sampler.</param>
/// <param name="Onset">First optimizer step the <paramref name="Intervention"/> applies to (null: none).</param>
/// <param name="Intervention">What changes at the onset.</param>
/// <param name="TrainingExamples">Keep only this many training examples (null: the whole training split).</param>
/// <param name="FrozenBody">Train only the last Linear layer (requires_grad false elsewhere, set before the monitor attaches).</param>
/// <param name="OutputScale">α of <see cref="ModelKind.OutputScaledMlp"/>; its rate is already divided by α².</param>
internal sealed record ScenarioDefinition(string BaseName, ScenarioGroup Groups, ModelKind Model, OptimizerSpec Optimizer, int Steps, int Seed,
    long? Onset = null, Intervention? Intervention = null, int? TrainingExamples = null, bool FrozenBody = false, double OutputScale = 1)
{
    public string Name => $"{BaseName}-s{Seed}";

    public bool Has(ScenarioGroup group) => (Groups & group) == group;

    /// <summary>The learning rate of optimizer step <paramref name="step"/>.</summary>
    public double RateAt(long step) => Intervention is { } change && step >= Onset ? change.RateAfter(Optimizer.Rate) : Optimizer.Rate;

    /// <summary>Whether optimizer step <paramref name="step"/> updates the parameters.</summary>
    public bool StepsAt(long step) => Intervention is not { } change || step < Onset || change.Steps;

    /// <summary>
    /// The held-out variant: another seed (+100) and the onset ×1.3 rounded to a multiple of 50, so thresholds tuned on
    /// the main set meet runs they were not tuned on.
    /// </summary>
    public ScenarioDefinition ForHoldout() => this with
    {
        Seed = Seed + 100,
        Onset = Onset is { } onset ? (long)Math.Round(onset * 1.3 / 50, MidpointRounding.AwayFromZero) * 50 : null,
    };

    public string GroundTruth => string.Join("+", Enum.GetValues<ScenarioGroup>().Where(g => g != ScenarioGroup.None && Has(g)).Select(g => g.ToString().ToLowerInvariant()));

    public string Construction
    {
        get
        {
            var parts = new List<string> { Model.ToString(), Optimizer.ToString(), $"{Steps} steps" };
            if (FrozenBody)
            {
                parts.Add("body frozen, head trained");
            }

            if (Model == ModelKind.OutputScaledMlp)
            {
                parts.Add($"α = {OutputScale:g3}");
            }

            if (TrainingExamples is { } n)
            {
                parts.Add($"{n} training examples");
            }

            if (Intervention is { } change)
            {
                parts.Add($"{change} at step {Onset}");
            }

            return string.Join(", ", parts);
        }
    }
}
