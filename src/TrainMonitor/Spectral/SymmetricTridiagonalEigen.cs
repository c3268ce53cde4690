using TorchSharp;
using static TorchSharp.torch;

namespace TrainMonitor.Spectral;

/// <summary>
/// Eigenvalues and squared first eigenvector components of a small symmetric tridiagonal matrix: exactly what a
/// Gauss-type quadrature rule needs. Uses LAPACK (through <c>torch.linalg.eigh</c>) on a CPU float64 tensor.
/// </summary>
internal static class SymmetricTridiagonalEigen
{
    /// <summary>
    /// Eigen-decomposes the tridiagonal matrix with diagonal <paramref name="diagonal"/> (length m) and
    /// off-diagonal <paramref name="offDiagonal"/> (first m − 1 entries used) and returns the eigenvalues in
    /// ascending order with <paramref name="scale"/> times the squared first components of the eigenvectors.
    /// </summary>
    public static QuadratureRule Decompose(ReadOnlySpan<double> diagonal, ReadOnlySpan<double> offDiagonal, double scale)
    {
        var m = diagonal.Length;
        if (m == 0)
        {
            return new QuadratureRule([], []);
        }

        if (m == 1)
        {
            return new QuadratureRule([diagonal[0]], [scale]);
        }

        var dense = new double[m * m];
        for (var i = 0; i < m; i++)
        {
            dense[(i * m) + i] = diagonal[i];
            if (i + 1 < m)
            {
                dense[(i * m) + i + 1] = offDiagonal[i];
                dense[((i + 1) * m) + i] = offDiagonal[i];
            }
        }

        using var scope = NewDisposeScope();
        var matrix = tensor(dense, new long[] { m, m }, dtype: ScalarType.Float64, device: CPU);
        var (values, vectors) = linalg.eigh(matrix);
        var nodes = values.data<double>().ToArray();
        var firstRow = vectors[0].contiguous().data<double>().ToArray();
        var weights = new double[m];
        for (var j = 0; j < m; j++)
        {
            weights[j] = scale * firstRow[j] * firstRow[j];
        }

        return new QuadratureRule(nodes, weights);
    }
}
