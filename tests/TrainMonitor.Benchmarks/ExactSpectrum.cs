using TorchSharp;
using TrainMonitor.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Benchmarks;

/// <summary>
/// The exact spectral measure of an error vector e under an explicit symmetric matrix M, from
/// <c>torch.linalg.eigh</c> of the matrix as computed: eigenvalues λᵢ (ascending) and weights (qᵢᵀe)²/n.
/// </summary>
internal sealed class ExactSpectrum
{
    private readonly double[] _eigenvalues;
    private readonly double[] _weights;

    private ExactSpectrum(double[] eigenvalues, double[] weights)
    {
        _eigenvalues = eigenvalues;
        _weights = weights;
    }

    public int Size => _eigenvalues.Length;

    /// <summary>Eigenvalues, ascending.</summary>
    public IReadOnlyList<double> Eigenvalues => _eigenvalues;

    public double LambdaMax => _eigenvalues[^1];

    public double LambdaMin => _eigenvalues[0];

    /// <summary>Total mass ‖e‖²/n as the sum of the weights.</summary>
    public double Mass => _weights.Sum();

    /// <summary>Decomposes <paramref name="matrix"/> (n×n, symmetric) against <paramref name="error"/> (n).</summary>
    public static ExactSpectrum Of(Tensor matrix, Tensor error)
    {
        using var scope = NewDisposeScope();
        var n = error.shape[0];
        var (values, vectors) = linalg.eigh(matrix.to_type(ScalarType.Float64));
        var weights = vectors.t().mv(error.to_type(ScalarType.Float64)).pow(2).div(n);
        return new ExactSpectrum(values.data<double>().ToArray(), weights.data<double>().ToArray());
    }

    /// <summary>
    /// Decomposes the matrix behind an explicit operator, read back column by column as <c>M eᵢ</c> (a product
    /// with a unit vector returns the column exactly): <see cref="MatrixErrorOperator"/> does not expose its matrix.
    /// </summary>
    public static ExactSpectrum Of(MatrixErrorOperator op)
    {
        ArgumentNullException.ThrowIfNull(op);
        using var scope = NewDisposeScope();
        var n = op.Size;
        var matrix = zeros(new long[] { n, n }, dtype: ScalarType.Float64, device: op.Device);
        for (var i = 0; i < n; i++)
        {
            using var columnScope = NewDisposeScope();
            var unit = zeros(new long[] { n }, dtype: ScalarType.Float64, device: op.Device);
            unit[i] = 1.0;
            matrix[.., i] = op.Apply(unit);
        }

        return Of(matrix, op.Error);
    }

    /// <summary>
    /// The exact energy-quantile frontier: the eigenvalue at which the weights of the eigenvalues ≥ <paramref name="floor"/>
    /// (and &gt; 0), summed from the top, first reach <paramref name="fraction"/> of their total. NaN when there is none.
    /// </summary>
    public double Quantile(double floor, double fraction)
    {
        var total = 0.0;
        for (var i = 0; i < _eigenvalues.Length; i++)
        {
            if (_eigenvalues[i] >= floor && _eigenvalues[i] > 0)
            {
                total += _weights[i];
            }
        }

        var above = 0.0;
        var last = double.NaN;
        for (var i = _eigenvalues.Length - 1; i >= 0; i--)
        {
            if (!(_eigenvalues[i] >= floor && _eigenvalues[i] > 0))
            {
                continue;
            }

            last = _eigenvalues[i];
            above += _weights[i];
            if (above >= fraction * total)
            {
                return last;
            }
        }

        return last;
    }

    /// <summary>Exact μ([lo, hi)): the weights of the eigenvalues with lo ≤ λ &lt; hi.</summary>
    public double MassIn(double lo, double hi)
    {
        var sum = 0.0;
        for (var i = 0; i < _eigenvalues.Length; i++)
        {
            if (_eigenvalues[i] >= lo && _eigenvalues[i] < hi)
            {
                sum += _weights[i];
            }
        }

        return sum;
    }

    /// <summary>
    /// Smallest distance from any eigenvalue to <paramref name="edge"/>, relative to λ_max: how
    /// well-conditioned the exact mass on either side of the edge is (a backward error of ε‖M‖ can move an
    /// eigenvalue closer than that across it).
    /// </summary>
    public double RelativeGapTo(double edge)
    {
        var gap = double.PositiveInfinity;
        foreach (var lambda in _eigenvalues)
        {
            gap = Math.Min(gap, Math.Abs(lambda - edge));
        }

        return gap / Math.Abs(LambdaMax);
    }
}
