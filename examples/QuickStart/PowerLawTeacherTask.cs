using TorchSharp;
using static TorchSharp.torch;

namespace QuickStart;

/// <summary>
/// A regression task whose input covariance falls as k^(−a) and whose teacher puts energy k^(−b) in
/// mode k: the setting in which the shell profile and frontier have a closed-form expectation.
/// A mild nonlinearity in the teacher gives the network something to learn beyond the linear part.
/// </summary>
internal sealed class PowerLawTeacherTask : IDisposable
{
    private readonly Tensor _scales;
    private readonly Tensor _teacher;
    private readonly Generator _generator;

    public PowerLawTeacherTask(int dimension, double covarianceExponent, double teacherExponent, long seed)
    {
        Dimension = dimension;
        _generator = new Generator((ulong)seed);
        var k = arange(1, dimension + 1, dtype: ScalarType.Float32);
        _scales = k.pow(-covarianceExponent / 2).DetachFromDisposeScope();
        // Energy in mode k is λ_k w_k² ∝ k^(−b): w_k² ∝ k^(a−b).
        var signs = randint(0, 2, new long[] { dimension }, generator: _generator).to_type(ScalarType.Float32) * 2 - 1;
        _teacher = (signs * k.pow((covarianceExponent - teacherExponent) / 2)).DetachFromDisposeScope();
    }

    public int Dimension { get; }

    /// <summary>Draws <paramref name="count"/> labelled examples from the task's own generator.</summary>
    public (Tensor Input, Tensor Target) Sample(int count)
    {
        using var scope = NewDisposeScope();
        var x = randn(new long[] { count, Dimension }, generator: _generator) * _scales;
        var linear = x.mv(_teacher);
        var y = (linear + 0.5f * tanh(2 * linear)).unsqueeze(1);
        return (x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }

    public void Dispose()
    {
        _scales.Dispose();
        _teacher.Dispose();
        _generator.Dispose();
    }
}
