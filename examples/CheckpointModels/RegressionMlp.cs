using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace CheckpointModels;

/// <summary>
/// The regression network of the <c>regression-series</c> checkpoints: 16 → 64 → 64 → 1 with tanh between layers.
/// State-dict keys: <c>fc1</c>, <c>fc2</c>, <c>fc3</c> (<c>.weight</c>, <c>.bias</c>).
/// </summary>
public sealed class RegressionMlp : nn.Module<Tensor, Tensor>
{
    /// <summary>Input width.</summary>
    public const int Inputs = 16;

    private const int Hidden = 64;

    [ComponentName(Name = "fc1")]
    private readonly Linear _fc1;

    [ComponentName(Name = "fc2")]
    private readonly Linear _fc2;

    [ComponentName(Name = "fc3")]
    private readonly Linear _fc3;

    /// <summary>Creates the network with PyTorch's default initialisation from the global generator.</summary>
    public RegressionMlp()
        : base(nameof(RegressionMlp))
    {
        _fc1 = nn.Linear(Inputs, Hidden);
        _fc2 = nn.Linear(Hidden, Hidden);
        _fc3 = nn.Linear(Hidden, 1);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return _fc3.call(tanh(_fc2.call(tanh(_fc1.call(input))))).MoveToOuterDisposeScope();
    }
}
