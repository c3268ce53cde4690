namespace TrainMonitor.Spectral;

/// <summary>
/// The eigenvalue below which error counts as null energy (error the current kernel cannot move): either a
/// fraction of the largest Ritz value or an absolute value.
/// </summary>
public sealed class NullFloor
{
    /// <summary>Default relative fraction of λ_max (1e-10).</summary>
    public const double DefaultFraction = 1e-10;

    private NullFloor(bool isRelative, double value)
    {
        IsRelative = isRelative;
        Value = value;
    }

    /// <summary>The default floor, <c>1e-10 · λ_max</c>.</summary>
    public static NullFloor Default { get; } = new(true, DefaultFraction);

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
