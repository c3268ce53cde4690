using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Validation.Models;

/// <summary>
/// Chizat &amp; Bach (2019) lazy construction on the digits: <c>F(x) = α·(f(x;θ) − f(x;θ₀))</c>, f the 64-128-128-10 GELU
/// MLP and θ₀ its initial weights. Trained with the rate divided by α², F follows the dynamics of the model linearised at
/// θ₀ (the weights move by ~1/α). The forward returns F itself, so the monitor probes the function that is trained.
/// θ₀ lives in buffers, not parameters: the monitor's Jacobian and the optimizer see the trained weights only.
/// </summary>
internal sealed class OutputScaledMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear _fc1 = nn.Linear(64, 128);
    private readonly Linear _fc2 = nn.Linear(128, 128);
    private readonly Linear _out = nn.Linear(128, 10);
    private readonly string[] _initial;
    private readonly double _alpha;

    public OutputScaledMlp(double alpha) : base(nameof(OutputScaledMlp))
    {
        _alpha = alpha;
        RegisterComponents();
        var weights = new[] { _fc1, _fc2, _out }.SelectMany(l => new[] { l.weight, l.bias! }).ToArray();
        // Looked up by name at each forward: module.to(device) replaces buffer tensors, so held references would go stale.
        _initial = [.. weights.Select((_, i) => $"initial{i}")];
        using (no_grad())
        {
            for (var i = 0; i < weights.Length; i++)
            {
                register_buffer(_initial[i], weights[i].detach().clone());
            }
        }
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.gelu(_fc1.call(x));
        h = nn.functional.gelu(_fc2.call(h));
        var live = _out.call(h);
        Tensor initial;
        using (no_grad())
        {
            Tensor Initial(int i) => get_buffer(_initial[i])!;
            var h0 = nn.functional.gelu(nn.functional.linear(x, Initial(0), Initial(1)));
            h0 = nn.functional.gelu(nn.functional.linear(h0, Initial(2), Initial(3)));
            initial = nn.functional.linear(h0, Initial(4), Initial(5));
        }

        return (_alpha * (live - initial)).MoveToOuterDisposeScope();
    }
}
