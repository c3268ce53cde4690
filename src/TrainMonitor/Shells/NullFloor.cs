using TorchSharp;
using TrainMonitor.Torch;

namespace TrainMonitor.Shells;

/// <summary>
/// The eigenvalue below which error counts as null energy (error the current kernel cannot move): either a
/// fraction of the largest Ritz value or an absolute value.
/// </summary>
/// <remarks>
/// The default fraction follows the precision M was computed in: an operator formed in float32 carries round-off
/// of order ε₃₂·λ_max, which turns exact zero eigenvalues into spurious ones up to that size. A floor below them
/// spreads the null energy over shells that do not exist, with bounds that are certified for the computed
/// operator but not for the model's M. See <see cref="DefaultFractionFor"/>.
/// </remarks>
public sealed class NullFloor
{
    /// <summary>Default relative fraction of λ_max for float64 operators (1e-10), and the least default for any dtype.</summary>
    public const double DefaultFraction = 1e-10;

    /// <summary>
    /// Multiple c of the dtype's machine epsilon in the default fraction <c>max(1e-10, c·ε)</c>. Set from the
    /// <c>nullfloor</c> benchmark (docs/benchmarks.md): the largest spurious eigenvalue (an exact zero of the float64
    /// twin's M) of the float32 Gram M and float32 Lanczos operator of four rank-deficient models was 2.8e-8·λ_max
    /// (0.24 ε₃₂; issue 15 saw up to 6e-8, 0.5 ε₃₂). Round-off grows with the length of the sums in J and Jᵀ, so c = 64
    /// (7.6e-6·λ_max) keeps a margin of about 130 over the largest seen; c·ε₆₄ = 1.4e-14, so float64 keeps 1e-10.
    /// </summary>
    public const double EpsilonMultiple = 64;

    private NullFloor(bool isRelative, double value)
    {
        IsRelative = isRelative;
        Value = value;
    }

    /// <summary>The default floor of float64 operators, <c>1e-10 · λ_max</c>.</summary>
    public static NullFloor Default { get; } = new(true, DefaultFraction);

    /// <summary>
    /// The default relative fraction for an operator computed in <paramref name="dtype"/>:
    /// <c>max(1e-10, <see cref="EpsilonMultiple"/>·ε_dtype)</c> — 1e-10 for float64, 7.6e-6 for float32; capped at 0.5 so that float16 and bfloat16 still get a floor below λ_max.
    /// </summary>
    public static double DefaultFractionFor(torch.ScalarType dtype) =>
        Math.Min(0.5, Math.Max(DefaultFraction, EpsilonMultiple * FloatPrecision.Epsilon(dtype)));

    /// <summary>The default floor for an operator computed in <paramref name="dtype"/> (see <see cref="DefaultFractionFor"/>).</summary>
    public static NullFloor DefaultFor(torch.ScalarType dtype) => new(true, DefaultFractionFor(dtype));

    /// <summary>True when <see cref="Value"/> is a fraction of λ_max; false when it is an absolute eigenvalue.</summary>
    public bool IsRelative { get; }

    /// <summary>The fraction of λ_max (relative floor) or the eigenvalue itself (absolute floor).</summary>
    public double Value { get; }

    /// <summary>A floor at <paramref name="fraction"/> · λ_max.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is not in [0, 1).</exception>
    public static NullFloor Relative(double fraction = DefaultFraction)
    {
        if (!(fraction >= 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "A relative null floor must lie in [0, 1).");
        }

        return new NullFloor(true, fraction);
    }

    /// <summary>A floor at the eigenvalue <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is not finite and positive.</exception>
    public static NullFloor Absolute(double value)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "An absolute null floor must be finite and positive.");
        }

        return new NullFloor(false, value);
    }

    /// <summary>The floor as an eigenvalue, given the largest Ritz value (0 for a relative floor when λ_max ≤ 0 or is NaN).</summary>
    public double Resolve(double lambdaMax)
    {
        if (!IsRelative)
        {
            return Value;
        }

        return lambdaMax > 0 ? Value * lambdaMax : 0;
    }

    /// <inheritdoc />
    public override string ToString() => IsRelative ? $"{Value:G3}·λmax" : $"{Value:G6}";
}
