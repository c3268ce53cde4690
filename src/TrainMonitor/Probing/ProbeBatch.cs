using static TorchSharp.torch;

namespace TrainMonitor.Probing;

/// <summary>One batch of the fixed held-out probe set: model inputs and the targets the error function compares with.</summary>
/// <param name="Input">Inputs, on the model's device.</param>
/// <param name="Target">Targets, on the model's device.</param>
public sealed record ProbeBatch(Tensor Input, Tensor Target);
