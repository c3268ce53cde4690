namespace Validation.Scenarios;

/// <summary>
/// The ground truth a scenario is built to have. Flags, because a construction can be two things at once: a frozen body
/// whose rate is then cut is lazy throughout and stalls at the cut.
/// </summary>
[Flags]
internal enum ScenarioGroup
{
    None = 0,

    /// <summary>Feature learning on the full training set, held-out loss not rising at the end.</summary>
    Healthy = 1,

    /// <summary>Lazy for the whole run by construction (the model is linear, or linearised, in its trained parameters).</summary>
    Lazy = 2,

    /// <summary>Training stops making progress at the onset (rate cut, or the optimizer stops stepping).</summary>
    Stall = 4,

    /// <summary>The rate is raised at the onset and kept high: the run breaks and stays broken.</summary>
    Divergence = 8,

    /// <summary>Too few training examples: held-out loss rises while training loss falls.</summary>
    Overfitting = 16,

    /// <summary>Nothing can move from the start (every hidden unit dead).</summary>
    NotLearning = 32,
}
