using TrainMonitor.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.EnergyBudget;

/// <summary>
/// A symmetric matrix M and an error e given explicitly, with the reference measure from <c>torch.linalg.eigh</c>:
/// eigenvalues λᵢ and weights (vᵢᵀe)²/n. The matrix is also a <see cref="MatrixErrorOperator"/> for the paths under test.
/// </summary>
internal sealed class ExplicitSpectrum : IDisposable
{
    private ExplicitSpectrum(MatrixErrorOperator op, double[] eigenvalues, double[] weights)
    {
        Operator = op;
        Eigenvalues = eigenvalues;
        Weights = weights;
    }

    public MatrixErrorOperator Operator { get; }

    public double[] Eigenvalues { get; }

    public double[] Weights { get; }

    public double Mass => Weights.Sum();

    public static ExplicitSpectrum Of(Tensor matrix, Tensor error)
    {
        using var scope = NewDisposeScope();
        var n = error.shape[0];
        var (values, vectors) = linalg.eigh(matrix);
        var weights = vectors.t().mv(error).pow(2) / n;
        var op = new MatrixErrorOperator(matrix, error);
        return new ExplicitSpectrum(op, values.data<double>().ToArray(), weights.data<double>().ToArray());
    }

    /// <summary>Σ f(λᵢ) wᵢ over the eigenvalues in [lo, hi).</summary>
    public double Integrate(double lo, double hi, Func<double, double> f)
    {
        var sum = 0.0;
        for (var i = 0; i < Eigenvalues.Length; i++)
        {
            if (Eigenvalues[i] >= lo && Eigenvalues[i] < hi)
            {
                sum += f(Eigenvalues[i]) * Weights[i];
            }
        }

        return sum;
    }

    public void Dispose() => Operator.Dispose();
}
