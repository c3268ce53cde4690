using TorchSharp;
using TrainMonitor.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Spectral;

/// <summary>
/// An explicit symmetric operator A = Q diag(λ) Qᵀ (Q from the QR of a seeded Gaussian matrix) with an error vector,
/// plus the exact reference measure from <c>torch.linalg.eigh</c> of the matrix as computed: eigenvalues λᵢ and
/// weights (vᵢᵀe)²/n.
/// </summary>
internal sealed class KnownSpectrumOperator : IDisposable
{
    private KnownSpectrumOperator(MatrixErrorOperator op, double[] eigenvalues, double[] weights, double[] matrix, double[] error)
    {
        Operator = op;
        Eigenvalues = eigenvalues;
        Weights = weights;
        Matrix = matrix;
        Error = error;
    }

    public MatrixErrorOperator Operator { get; }

    public int Size => Error.Length;

    /// <summary>Eigenvalues of the explicit matrix (eigh), ascending.</summary>
    public double[] Eigenvalues { get; }

    /// <summary>Exact weights (vᵢᵀe)²/n matching <see cref="Eigenvalues"/>.</summary>
    public double[] Weights { get; }

    /// <summary>The matrix, row-major.</summary>
    public double[] Matrix { get; }

    public double[] Error { get; }

    public double Mass => Weights.Sum();

    /// <param name="spectrum">Prescribed eigenvalues.</param>
    /// <param name="seed">Seed of the private generator (never the global RNG).</param>
    /// <param name="amplitudes">Optional scale of the error's coefficient on each prescribed eigenvector.</param>
    public static KnownSpectrumOperator Create(double[] spectrum, ulong seed, double[]? amplitudes = null)
    {
        var n = spectrum.Length;
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var gaussian = randn(new long[] { n, n }, dtype: ScalarType.Float64, generator: generator);
        var (q, _) = linalg.qr(gaussian);
        var lambda = tensor(spectrum, dtype: ScalarType.Float64);
        var a = (q * lambda.unsqueeze(0)).mm(q.t());
        a = (a + a.t()) / 2;
        var z = randn(new long[] { n }, dtype: ScalarType.Float64, generator: generator);
        if (amplitudes is not null)
        {
            z = z * tensor(amplitudes, dtype: ScalarType.Float64);
        }

        var e = q.mv(z);
        var (values, vectors) = linalg.eigh(a);
        var weights = vectors.t().mv(e).pow(2) / n;
        var op = new MatrixErrorOperator(a, e);
        return new KnownSpectrumOperator(
            op,
            values.data<double>().ToArray(),
            weights.data<double>().ToArray(),
            a.contiguous().data<double>().ToArray(),
            e.data<double>().ToArray());
    }

    /// <summary>Exact μ([lo, hi)) of the measure.</summary>
    public double MassIn(double lo, double hi)
    {
        var sum = 0.0;
        for (var i = 0; i < Eigenvalues.Length; i++)
        {
            if (Eigenvalues[i] >= lo && Eigenvalues[i] < hi)
            {
                sum += Weights[i];
            }
        }

        return sum;
    }

    /// <summary>eᵀ A^p e / n by repeated products with the explicit matrix, in double.</summary>
    public double Moment(int p)
    {
        var n = Size;
        var v = (double[])Error.Clone();
        for (var step = 0; step < p; step++)
        {
            var next = new double[n];
            for (var i = 0; i < n; i++)
            {
                var s = 0.0;
                for (var j = 0; j < n; j++)
                {
                    s += Matrix[(i * n) + j] * v[j];
                }

                next[i] = s;
            }

            v = next;
        }

        var dot = 0.0;
        for (var i = 0; i < n; i++)
        {
            dot += Error[i] * v[i];
        }

        return dot / n;
    }

    public void Dispose() => Operator.Dispose();
}
