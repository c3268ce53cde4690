using static TorchSharp.torch;

namespace TrainMonitor.Operators.Gram;

/// <summary>
/// One call of a layer during the Gram path's forward pass: its input (detached; only its values are needed) and
/// its original output (still in the graph: output gradients are taken with respect to it). Both handles are owned
/// here and freed by <see cref="GramCapture"/>.
/// </summary>
internal sealed class LayerCall(GramLayer layer, Tensor input, Tensor output)
{
    public GramLayer Layer { get; } = layer;

    public Tensor Input { get; } = input;

    public Tensor Output { get; } = output;

    /// <summary>
    /// <c>∂e_i/∂output</c> for every error entry i, stacked along dimension 0 (shape <c>[n, output.shape[1..]]</c>);
    /// set once the backward passes have run.
    /// </summary>
    public Tensor? OutputGradient { get; set; }
}
