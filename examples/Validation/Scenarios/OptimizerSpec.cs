using TorchSharp;
using static TorchSharp.torch;

namespace Validation.Scenarios;

/// <summary>Which optimizer a scenario uses and its base learning rate (momentum only for <see cref="OptimizerKind.Momentum"/>).</summary>
internal sealed record OptimizerSpec(OptimizerKind Kind, double Rate, double Momentum = 0.9)
{
    /// <summary>Builds the optimizer over the trainable parameters only, so a frozen body has no state and no step.</summary>
    public optim.Optimizer Create(IEnumerable<TorchSharp.Modules.Parameter> parameters)
    {
        var trainable = parameters.Where(p => p.requires_grad).ToArray();
        return Kind switch
        {
            OptimizerKind.Sgd => optim.SGD(trainable, Rate),
            OptimizerKind.Momentum => optim.SGD(trainable, Rate, momentum: Momentum),
            OptimizerKind.Adam => optim.Adam(trainable, Rate),
            OptimizerKind.AdamW => optim.AdamW(trainable, Rate),
            _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown optimizer."),
        };
    }

    public override string ToString() => Kind switch
    {
        OptimizerKind.Momentum => $"SGD-momentum {Rate:g3} (m {Momentum:g2})",
        OptimizerKind.Sgd => $"SGD {Rate:g3}",
        _ => $"{Kind} {Rate:g3}",
    };
}
