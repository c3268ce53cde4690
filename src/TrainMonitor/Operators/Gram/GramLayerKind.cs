namespace TrainMonitor.Operators.Gram;

/// <summary>The layer types whose per-example gradients the Gram path forms from captured inputs and output gradients.</summary>
internal enum GramLayerKind
{
    Linear,
    Conv2d,
    LayerNorm,
    Embedding,
}
