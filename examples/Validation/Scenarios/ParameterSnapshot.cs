using TorchSharp;
using static TorchSharp.torch;

namespace Validation.Scenarios;

/// <summary>
/// A copy of a model's trainable parameters, to measure how far training moved them: ‖θ_T − θ₀‖ / ‖θ₀‖, the usual
/// evidence for laziness in Chizat &amp; Bach's construction (the weights move by ~1/α while the function moves by O(1)).
/// </summary>
internal sealed class ParameterSnapshot : IDisposable
{
    private readonly Tensor[] _values;

    public ParameterSnapshot(nn.Module<Tensor, Tensor> model)
    {
        using var noGrad = no_grad();
        _values = [.. Trainable(model).Select(p => p.detach().clone())];
    }

    /// <summary>Relative distance of the model's trainable parameters now from this snapshot (NaN once they are non-finite).</summary>
    public double RelativeDistance(nn.Module<Tensor, Tensor> model)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double moved = 0, initial = 0;
        foreach (var (now, then) in Trainable(model).Zip(_values))
        {
            moved += (now - then).square().sum().ToDouble();
            initial += then.square().sum().ToDouble();
        }

        return Math.Sqrt(moved / initial);
    }

    public void Dispose()
    {
        foreach (var value in _values)
        {
            value.Dispose();
        }
    }

    private static IEnumerable<TorchSharp.Modules.Parameter> Trainable(nn.Module<Tensor, Tensor> model) => model.parameters().Where(p => p.requires_grad);
}
