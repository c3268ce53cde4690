using TorchSharp;
using TrainMonitor.Torch;
using static TorchSharp.torch;

namespace TrainMonitor.Operators;

/// <summary>
/// An operator backed by an explicit symmetric matrix: the reference for tests and the carrier of the
/// exact path once <c>M</c> has been formed.
/// </summary>
public sealed class MatrixErrorOperator : IErrorOperator
{
    private readonly Tensor _matrix;
    private readonly Tensor _error;
    private long _applications;

    /// <summary>Wraps <paramref name="matrix"/> (n×n, symmetric) and the error vector <paramref name="error"/> (n).</summary>
    /// <param name="matrix">M, any floating dtype (kept in float64).</param>
    /// <param name="error">e, any floating dtype (kept in float64).</param>
    /// <param name="computeDtype">
    /// The dtype M was computed in, when coarser than the tensors show (a float32 model's Gram matrix accumulated in
    /// float64); by default the coarser of the two tensors' dtypes.
    /// </param>
    public MatrixErrorOperator(Tensor matrix, Tensor error, ScalarType? computeDtype = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(error);
        if (matrix.dim() != 2 || matrix.shape[0] != matrix.shape[1])
        {
            throw new ArgumentException($"The operator matrix must be square; got shape [{string.Join(", ", matrix.shape)}].", nameof(matrix));
        }

        if (error.dim() != 1 || error.shape[0] != matrix.shape[0])
        {
            throw new ArgumentException(
                $"The error vector must be 1-D of length {matrix.shape[0]}; got shape [{string.Join(", ", error.shape)}].", nameof(error));
        }

        if (matrix.device_type != error.device_type)
        {
            throw new ArgumentException($"Matrix is on {matrix.device}, error on {error.device}; both must be on one device.", nameof(error));
        }

        ComputeDtype = computeDtype ?? FloatPrecision.Coarser(matrix.dtype, error.dtype);
        _matrix = matrix.detach().to_type(ScalarType.Float64).DetachFromDisposeScope();
        _error = error.detach().to_type(ScalarType.Float64).DetachFromDisposeScope();
    }

    /// <summary>The matrix M (float64, n×n, symmetric); owned by the operator, do not dispose.</summary>
    public Tensor Matrix => _matrix;

    /// <inheritdoc />
    public ScalarType ComputeDtype { get; }

    /// <inheritdoc />
    public int Size => (int)_error.shape[0];

    /// <inheritdoc />
    public Device Device => _error.device;

    /// <inheritdoc />
    public Tensor Error => _error;

    /// <inheritdoc />
    public long Applications => Interlocked.Read(ref _applications);

    /// <inheritdoc />
    public Tensor Apply(Tensor v)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (v.dim() != 1 || v.shape[0] != Size)
        {
            throw new ArgumentException($"Expected a vector of length {Size}; got shape [{string.Join(", ", v.shape)}].", nameof(v));
        }

        Interlocked.Increment(ref _applications);
        return _matrix.mv(v.to_type(ScalarType.Float64));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _matrix.Dispose();
        _error.Dispose();
    }
}
