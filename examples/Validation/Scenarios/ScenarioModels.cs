using TorchSharp;
using Validation.Models;
using static TorchSharp.torch;

namespace Validation.Scenarios;

/// <summary>Builds a scenario's model and its task. The caller seeds torch's generator first (initial weights).</summary>
internal static class ScenarioModels
{
    /// <summary>Sequence length of the token scenarios: 16 keeps the transformer's probes affordable on one thread.</summary>
    public const int TokenLength = 16;

    public static nn.Module<Tensor, Tensor> CreateModel(ScenarioDefinition definition)
    {
        nn.Module<Tensor, Tensor> model = definition.Model switch
        {
            ModelKind.Mlp => new DigitsMlp(),
            ModelKind.Cnn => new DigitsCnn(),
            ModelKind.DeadReluMlp => new DeadReluMlp(),
            ModelKind.OutputScaledMlp => new OutputScaledMlp(definition.OutputScale),
            ModelKind.Transformer => new CausalTransformer(TokenTask.Vocabulary, TokenLength, width: 32, heads: 4, layers: 2),
            _ => throw new ArgumentOutOfRangeException(nameof(definition), definition.Model, "Unknown model."),
        };
        if (definition.FrozenBody)
        {
            HeadOnly.Freeze(model);
        }

        return model;
    }

    public static IScenarioTask CreateTask(ScenarioDefinition definition) => definition.Model == ModelKind.Transformer
        ? new TokenTask(definition.Seed, TokenLength)
        : new DigitsTask(definition.Seed, definition.TrainingExamples);
}
