using TorchSharp;
using static TorchSharp.torch;

namespace TrainMonitor.Benchmarks;

/// <summary>
/// Initialises parameters from a caller's <see cref="Generator"/> (module constructors draw from the global RNG,
/// which a benchmark must not depend on).
/// </summary>
internal static class SeededUniform
{
    /// <summary>Overwrites <paramref name="parameter"/> in place with draws from U(−bound, bound).</summary>
    public static void Fill(Tensor parameter, double bound, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var draw = rand(parameter.shape, dtype: parameter.dtype, device: parameter.device, generator: generator);
        parameter.copy_(draw.mul(2).sub(1).mul(bound));
    }
}
