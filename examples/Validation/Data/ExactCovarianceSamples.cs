using static TorchSharp.torch;

namespace Validation.Data;

/// <summary>
/// Samples whose empirical covariance equals a prescribed diagonal Σ exactly: X = √n · Q · Σ^{1/2}, Q an n×d matrix with
/// orthonormal columns drawn at random (QR of a Gaussian matrix). Then XᵀX / n = Σ and the probe operator
/// M = X Xᵀ / n has exactly the eigenvalues of Σ, so the closed-form theory applies without finite-sample distortion
/// (Marchenko–Pastur spreading would otherwise blur a power law over the few-hundred-mode tail).
/// </summary>
internal static class ExactCovarianceSamples
{
    public static Tensor Draw(int count, Tensor covarianceDiagonal, Generator generator)
    {
        var dimension = covarianceDiagonal.shape[0];
        if (count < dimension)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Need at least as many samples as dimensions ({dimension}) for an exact covariance.");
        }

        using var scope = NewDisposeScope();
        var gaussian = randn(new long[] { count, dimension }, dtype: ScalarType.Float64, generator: generator);
        var (q, _) = linalg.qr(gaussian);
        var x = q * Math.Sqrt(count) * covarianceDiagonal.sqrt();
        return x.MoveToOuterDisposeScope();
    }
}
