using TorchSharp;
using TrainMonitor.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Benchmarks;

/// <summary>
/// A random operator with a prescribed power-law spectrum: <c>M = Q diag(λ) Qᵀ</c> with <c>λᵢ = c·i^(−a)</c>
/// (i = 1…n) and Q from the QR of a Gaussian matrix, and an error vector <c>e = Q z</c> whose energy on mode i
/// falls as <c>i^(−b)</c>, <c>zᵢ = sᵢ·i^(−b/2)</c> with random signs sᵢ. Every random number comes from a
/// private <see cref="Generator"/> seeded with <see cref="Seed"/>, never the global RNG.
/// </summary>
internal sealed record PowerLawOperator(int Size, double Exponent, double EnergyExponent, double Scale, ulong Seed)
{
    public string Name => FormattableString.Invariant($"power a={Exponent:G3} b={EnergyExponent:G3} c={Scale:G3} seed={Seed}");

    /// <summary>Builds the matrix once, wraps it as an operator and decomposes it for the exact reference.</summary>
    public (MatrixErrorOperator Operator, ExactSpectrum Exact) Build()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(Seed);
        var n = Size;
        var gaussian = randn(new long[] { n, n }, dtype: ScalarType.Float64, generator: generator);
        var (q, _) = linalg.qr(gaussian);
        var modes = arange(1, n + 1, dtype: ScalarType.Float64);
        var lambda = modes.pow(-Exponent).mul(Scale);
        var matrix = (q * lambda.unsqueeze(0)).mm(q.t());
        matrix = matrix.add(matrix.t()).mul(0.5);
        var signs = randint(0, 2, new long[] { n }, dtype: ScalarType.Float64, generator: generator).mul(2).sub(1);
        var coefficients = signs * modes.pow(-EnergyExponent / 2);
        var error = q.mv(coefficients);
        var exact = ExactSpectrum.Of(matrix, error);
        return (new MatrixErrorOperator(matrix, error), exact);
    }
}
