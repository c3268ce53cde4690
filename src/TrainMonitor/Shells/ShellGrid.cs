namespace TrainMonitor.Shells;

/// <summary>
/// Absolute logarithmic eigenvalue grid: shell α is <c>[q^α, q^(α+1))</c> for every integer α, with ratio q &gt; 1.
/// Absolute rather than relative to λ_max, so a shell means the same band at every probe and in every run.
/// </summary>
public sealed class ShellGrid
{
    /// <summary>Default ratio q = 2 (octaves).</summary>
    public const double DefaultRatio = 2.0;

    private readonly double _logRatio;

    /// <summary>Whether <paramref name="ratio"/> can be a grid's ratio: a finite number above 1. Every setting of the ratio checks this one rule.</summary>
    internal static bool IsValidRatio(double ratio) => ratio > 1 && double.IsFinite(ratio);

    /// <summary>Creates a grid with ratio <paramref name="ratio"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ratio"/> is not a finite number above 1.</exception>
    public ShellGrid(double ratio = DefaultRatio)
    {
        if (!IsValidRatio(ratio))
        {
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "The shell ratio must be a finite number greater than 1.");
        }

        Ratio = ratio;
        _logRatio = Math.Log(ratio);
    }

    /// <summary>The grid with ratio 2.</summary>
    public static ShellGrid Default { get; } = new();

    /// <summary>The ratio q between consecutive edges.</summary>
    public double Ratio { get; }

    /// <summary>
    /// Index α of the shell containing <paramref name="lambda"/>: the integer with
    /// <c>LowerEdge(α) ≤ λ &lt; UpperEdge(α)</c>, i.e. floor(log_q λ) computed against the very edges this grid
    /// reports, so that an exact power <c>q^α</c> maps to α whatever the round-off of the logarithm.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lambda"/> is not finite and positive, or its index does not fit an int.</exception>
    public int IndexOf(double lambda)
    {
        if (!(lambda > 0) || !double.IsFinite(lambda))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "Shell indices exist for finite positive eigenvalues only.");
        }

        var guess = Math.Floor(Math.Log(lambda) / _logRatio);
        if (Math.Abs(guess) > int.MaxValue / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, $"The shell index of {lambda} at ratio {Ratio} does not fit an int.");
        }

        var index = (int)guess;
        while (LowerEdge(index) > lambda)
        {
            index--;
        }

        while (LowerEdge(index + 1) <= lambda)
        {
            index++;
        }

        return index;
    }

    /// <summary>Lower edge <c>q^α</c> of shell α (inclusive).</summary>
    public double LowerEdge(int index) => Math.Pow(Ratio, index);

    /// <summary>Upper edge <c>q^(α+1)</c> of shell α (exclusive).</summary>
    public double UpperEdge(int index) => Math.Pow(Ratio, (double)index + 1);

    /// <summary>Natural logarithm of the geometric centre of shell α: <c>(α + ½) ln q</c>.</summary>
    public double LogCentre(int index) => (index + 0.5) * _logRatio;
}
