using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Validation.Models;

/// <summary>MLP 64-128-128-10 with GELU for the 8×8 digits.</summary>
internal sealed class DigitsMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear _fc1 = nn.Linear(64, 128);
    private readonly Linear _fc2 = nn.Linear(128, 128);
    private readonly Linear _out = nn.Linear(128, 10);

    public DigitsMlp() : base(nameof(DigitsMlp)) => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.gelu(_fc1.call(x));
        h = nn.functional.gelu(_fc2.call(h));
        return _out.call(h).MoveToOuterDisposeScope();
    }
}
