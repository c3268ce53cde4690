using TorchSharp;
using static TorchSharp.torch;

namespace TrainMonitor.Observability.Tests.Training;

/// <summary>
/// A regression task whose input covariance falls as k^(−1.5) over <see cref="Inputs"/> directions and whose target
/// is a single-index teacher y = z + 0.5 tanh(2z), z = wᵀx with energy k^(−2) in direction k: a power-law spectrum, so
/// the shell profile spans several shells and the frontier can be fitted, plus a nonlinearity the hidden layer has to
/// find. Drawn from its own generator, so the global random stream is not touched.
/// </summary>
internal static class TeacherTask
{
    public const int Inputs = 16;

    public static (Tensor Inputs, Tensor Targets) Sample(int count, ulong seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var k = arange(1, Inputs + 1, dtype: ScalarType.Float32);
        var scales = k.pow(-0.75);
        // Energy in direction k is λ_k w_k² ∝ k^(−2) with λ_k = k^(−1.5): w_k ∝ k^(−0.25), alternating signs.
        var signs = ones(Inputs) - 2 * (arange(Inputs) % 2).to_type(ScalarType.Float32);
        var teacher = signs * k.pow(-0.25);
        var x = randn([count, Inputs], generator: generator) * scales;
        var z = x.mv(teacher);
        var y = z.unsqueeze(1);
        return (x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }
}
