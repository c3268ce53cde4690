using TorchSharp;
using static TorchSharp.torch;

namespace TrainMonitor.Observability.Tests.Training;

/// <summary>
/// f(x) = α · W₂ tanh(W₁ x + b₁): a two-layer network whose output is scaled by α. With a small α the readout alone
/// cannot fit the target and gradient descent (learning rate scaled by 1/α²) has to move the hidden features, so the
/// kernel moves (feature learning, the mean-field side of the lazy/rich dichotomy); α = 1 is an ordinary network.
/// </summary>
internal sealed class ScaledTwoLayerNet : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _hidden;
    private readonly nn.Module<Tensor, Tensor> _readout;
    private readonly double _outputScale;

    public ScaledTwoLayerNet(int inputs, int width, double outputScale, bool freezeHidden = false)
        : base(nameof(ScaledTwoLayerNet))
    {
        _hidden = nn.Linear(inputs, width);
        _readout = nn.Linear(width, 1, hasBias: false);
        _outputScale = outputScale;
        RegisterComponents();
        if (freezeHidden)
        {
            // Random features: only the readout trains, so M = α² Φ Φᵀ / n is fixed (the lazy limit, exactly).
            foreach (var parameter in _hidden.parameters())
            {
                parameter.requires_grad = false;
            }
        }
    }

    public override Tensor forward(Tensor input) => _readout.call(tanh(_hidden.call(input))) * _outputScale;
}
