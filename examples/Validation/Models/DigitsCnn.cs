using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Validation.Models;

/// <summary>Small CNN for the 8×8 digits: conv 3×3 (16) → GELU → conv 3×3 (32) → GELU → 2×2 average pool → linear 10.</summary>
internal sealed class DigitsCnn : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv1 = nn.Conv2d(1, 16, 3, padding: 1);
    private readonly Conv2d _conv2 = nn.Conv2d(16, 32, 3, padding: 1);
    private readonly Linear _out = nn.Linear(32 * 4 * 4, 10);

    public DigitsCnn() : base(nameof(DigitsCnn)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = x.reshape(-1, 1, 8, 8);
        h = nn.functional.gelu(_conv1.call(h));
        h = nn.functional.gelu(_conv2.call(h));
        h = nn.functional.avg_pool2d(h, 2);
        return _out.call(h.flatten(1)).MoveToOuterDisposeScope();
    }
}
