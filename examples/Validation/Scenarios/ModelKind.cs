namespace Validation.Scenarios;

/// <summary>The network a scenario trains; the task (digits or tokens) follows from it.</summary>
internal enum ModelKind
{
    /// <summary><see cref="Models.DigitsMlp"/>: 64-128-128-10, GELU.</summary>
    Mlp,

    /// <summary><see cref="Models.DigitsCnn"/>.</summary>
    Cnn,

    /// <summary><see cref="Models.DeadReluMlp"/>: every hidden unit dead at initialisation.</summary>
    DeadReluMlp,

    /// <summary><see cref="Models.OutputScaledMlp"/>: α·(f(x;θ) − f(x;θ₀)), the Chizat–Bach lazy construction.</summary>
    OutputScaledMlp,

    /// <summary><see cref="Models.CausalTransformer"/> on the Zipfian token language.</summary>
    Transformer,
}
