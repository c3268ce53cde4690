using TorchSharp;
using static TorchSharp.torch;

namespace TrainMonitor.Operators.Gram;

/// <summary>
/// One parametrised layer of a model on the Gram path: its module, kind, and which of its parameters are trainable
/// (a frozen weight or bias contributes nothing to J).
/// </summary>
internal sealed record GramLayer(string Name, nn.Module<Tensor, Tensor> Module, GramLayerKind Kind, bool WeightTrainable, bool BiasTrainable);
