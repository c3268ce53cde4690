using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Validation.Models;

/// <summary>
/// Chizat &amp; Bach (2019) output scaling: <c>f(x) = α·(g_θ(x) − g_θ₀(x))</c> with g a two-layer ReLU network
/// <c>g(x) = aᵀ relu(W x) / √h</c> (W ~ N(0, 1/d), a ~ N(0, 1)). Centring (subtracting the output of the frozen initial
/// weights) makes f = 0 at initialisation for every α, so α only sets how far the weights must move: by ~1/α.
/// The initial weights are buffers, not parameters, so the monitor's Jacobian covers the trained weights only.
/// </summary>
internal sealed class CentredTwoLayerNetwork : nn.Module<Tensor, Tensor>
{
    private readonly Parameter _hidden;
    private readonly Parameter _readout;
    private readonly Tensor _hidden0;
    private readonly Tensor _readout0;
    private readonly double _alpha;
    private readonly double _scale;

    public CentredTwoLayerNetwork(int inputs, int width, double alpha, Generator generator) : base(nameof(CentredTwoLayerNetwork))
    {
        _alpha = alpha;
        _scale = 1.0 / Math.Sqrt(width);
        var w = randn(new long[] { width, inputs }, generator: generator) / Math.Sqrt(inputs);
        var a = randn(new long[] { width }, generator: generator);
        _hidden = new Parameter(w.clone());
        _readout = new Parameter(a.clone());
        _hidden0 = w;
        _readout0 = a;
        register_parameter("hidden", _hidden);
        register_parameter("readout", _readout);
        register_buffer("hidden0", _hidden0);
        register_buffer("readout0", _readout0);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var g = nn.functional.relu(x.matmul(_hidden.t())).matmul(_readout) * _scale;
        var g0 = nn.functional.relu(x.matmul(_hidden0.t())).matmul(_readout0) * _scale;
        return (_alpha * (g - g0)).unsqueeze(1).MoveToOuterDisposeScope();
    }
}
