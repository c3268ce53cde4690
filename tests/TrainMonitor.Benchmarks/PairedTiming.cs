using System.Diagnostics;

namespace TrainMonitor.Benchmarks;

/// <summary>
/// Times two actions alternately in one process and summarises the per-pair ratio: absolute times on
/// shared machines drift by 2× between runs, a ratio of neighbouring measurements does not.
/// </summary>
internal sealed class PairedTiming
{
    private readonly List<double> _ratios = new();
    private readonly List<double> _numerator = new();
    private readonly List<double> _denominator = new();

    public static PairedTiming Measure(Action numerator, Action denominator, int warmup, int pairs)
    {
        for (var i = 0; i < warmup; i++)
        {
            denominator();
            numerator();
        }

        var timing = new PairedTiming();
        for (var i = 0; i < pairs; i++)
        {
            // Alternate which side runs first so a trend inside a pair does not bias the ratio.
            double a, b;
            if (i % 2 == 0)
            {
                b = Time(denominator);
                a = Time(numerator);
            }
            else
            {
                a = Time(numerator);
                b = Time(denominator);
            }

            timing._numerator.Add(a);
            timing._denominator.Add(b);
            timing._ratios.Add(a / b);
        }

        return timing;
    }

    public double MedianRatio => Median(_ratios);

    public double MinRatio => _ratios.Min();

    public double MaxRatio => _ratios.Max();

    public double MedianNumeratorSeconds => Median(_numerator);

    public double MedianDenominatorSeconds => Median(_denominator);

    public int Pairs => _ratios.Count;

    public string Describe(string numeratorName, string denominatorName) =>
        $"{numeratorName} / {denominatorName}: median {MedianRatio:F3} (min {MinRatio:F3}, max {MaxRatio:F3}) over {Pairs} pairs; " +
        $"median {numeratorName} {MedianNumeratorSeconds * 1e3:F1} ms, {denominatorName} {MedianDenominatorSeconds * 1e3:F1} ms";

    private static double Time(Action action)
    {
        var stopwatch = Stopwatch.StartNew();
        action();
        return stopwatch.Elapsed.TotalSeconds;
    }

    internal static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }
}
