using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Validation.Models;

/// <summary>
/// MLP 64-128-128-10 with ReLU for the 8×8 digits, initialised dead: hidden weights tiny and hidden biases very negative,
/// so no pixel vector in [0, 1]⁶⁴ switches a hidden unit on (|W x| ≤ 64·3σ ≪ |bias|). Every hidden gradient is then
/// exactly zero and only the output bias can learn (the class prior): a network that cannot learn from the start.
/// </summary>
internal sealed class DeadReluMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear _fc1 = nn.Linear(64, 128);
    private readonly Linear _fc2 = nn.Linear(128, 128);
    private readonly Linear _out = nn.Linear(128, 10);

    public DeadReluMlp(double hiddenBias = -5, double weightScale = 0.01) : base(nameof(DeadReluMlp))
    {
        RegisterComponents();
        using (no_grad())
        {
            foreach (var layer in new[] { _fc1, _fc2 })
            {
                nn.init.normal_(layer.weight, 0, weightScale);
                nn.init.constant_(layer.bias!, hiddenBias);
            }
        }
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.relu(_fc1.call(x));
        h = nn.functional.relu(_fc2.call(h));
        return _out.call(h).MoveToOuterDisposeScope();
    }
}
