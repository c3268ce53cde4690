using System.Globalization;

namespace TrainMonitor.Cli.Formatting;

/// <summary>How the reports print numbers: invariant culture, three significant digits, a dash for "not known".</summary>
internal static class NumberText
{
    /// <summary>What stands in for NaN (unknown, undetermined) in tables.</summary>
    public const string Unknown = "—";

    /// <summary>Three significant digits, scientific notation outside [1e-3, 1e4), <see cref="Unknown"/> for NaN.</summary>
    public static string Format(double value) => Format(value, 3);

    /// <summary><see cref="Format(double)"/> with <paramref name="significant"/> digits (whole numbers from 100 on).</summary>
    public static string Format(double value, int significant)
    {
        if (double.IsNaN(value))
        {
            return Unknown;
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "∞" : "-∞";
        }

        var magnitude = Math.Abs(value);
        if (value == 0)
        {
            return "0";
        }

        if (magnitude < 1e-3 || magnitude >= 1e4)
        {
            return value.ToString("0." + new string('0', significant - 1) + "e+0", CultureInfo.InvariantCulture);
        }

        // "G3" would switch to scientific notation from 100 on; whole numbers read better there.
        return magnitude >= 100
            ? value.ToString("0", CultureInfo.InvariantCulture)
            : value.ToString("G" + significant.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary><see cref="Format(double)"/> for optional values.</summary>
    public static string Format(double? value) => value is { } v ? Format(v) : Unknown;

    /// <summary>
    /// A certified interval as <c>[lower, upper]</c> with two significant digits (an end needs no more to be told apart
    /// from the estimate printed beside it, and the table stays narrow); an unbounded upper end (Lanczos could not
    /// certify one) reads <c>∞</c>.
    /// </summary>
    public static string Interval(double lower, double upper) => $"[{Format(lower, 2)}, {Format(upper, 2)}]";

    /// <summary>A step count with thousands separators, e.g. 12,000.</summary>
    public static string Step(long step) => step.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Invariant-culture text of <paramref name="value"/> with the given .NET format.</summary>
    public static string Invariant(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
