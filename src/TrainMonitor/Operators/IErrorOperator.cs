using TorchSharp;
using static TorchSharp.torch;

namespace TrainMonitor.Operators;

/// <summary>
/// The error operator <c>M = J Jᵀ / n</c> of one probe batch, seen only through products <c>v ↦ M v</c>.
/// </summary>
/// <remarks>
/// Vectors in and out are float64, one-dimensional, of length <see cref="Size"/>, on <see cref="Device"/>,
/// whatever dtype the model computes in: the Krylov basis is kept in float64.
/// </remarks>
public interface IErrorOperator : IDisposable
{
    /// <summary>Number of error entries n (examples, outputs or tokens) in the batch.</summary>
    int Size { get; }

    /// <summary>Device the vectors live on (the model's device).</summary>
    Device Device { get; }

    /// <summary>The error vector e of the batch, float64, detached from any graph.</summary>
    Tensor Error { get; }

    /// <summary>Number of products <see cref="Apply"/> computed so far.</summary>
    long Applications { get; }

    /// <summary>Returns <c>M v</c> as a new float64 tensor; <paramref name="v"/> is not modified.</summary>
    Tensor Apply(Tensor v);

    /// <summary>
    /// The floating dtype whose round-off the products carry (the model's dtype; float64 unless an implementation
    /// says otherwise). Vectors are float64 either way, but a float32 model's M is only float32-accurate, which sets
    /// the default null floor (<c>NullFloor.DefaultFractionFor</c> in Shells).
    /// </summary>
    ScalarType ComputeDtype => ScalarType.Float64;
}
