using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Validation;

/// <summary>Chizat–Bach output scaling f = α·(g_θ − g_θ₀), g a two-layer ReLU network; a small copy of the validation's model (case 2).</summary>
internal sealed class CentredScaledNetwork : nn.Module<Tensor, Tensor>
{
    private readonly Parameter _hidden;
    private readonly Parameter _readout;
    private readonly Tensor _hidden0;
    private readonly Tensor _readout0;
    private readonly double _alpha;
    private readonly double _scale;

    public CentredScaledNetwork(int inputs, int width, double alpha, Generator generator) : base(nameof(CentredScaledNetwork))
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
