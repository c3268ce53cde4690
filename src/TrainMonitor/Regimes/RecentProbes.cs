namespace TrainMonitor.Regimes;

/// <summary>
/// The last probes of a run, every one of them and oldest first, in a ring of fixed capacity, and the figures the tracker
/// takes over them: the probe-to-probe noise of ln E, the smoothed error energy and the recent training loss. Its own type so that the decision reads figures, not ring arithmetic.
/// </summary>
/// <remarks>Not thread-safe: the tracker uses it only under its lock.</remarks>
internal sealed class RecentProbes(int capacity)
{
    // The noise of ln E is read from its second differences Δ²_j = Δ_j − Δ_{j−1}, which a steady trend (the fast fall of
    // the first probes, a slow rise) does not enter, so the yardstick is the fluctuation around the trend, not the trend.
    // For independent fluctuations of the level, sd(Δ²) = √3 · sd(Δ); 1.4826 · median|Δ²| / √3 estimates sd(Δ) and, being a
    // median, ignores a few outliers (one divergent jump). An error that alternates high, low, high… gives Δ² of one size,
    // so it is measured as the large noise it is (the centred MAD of the two-valued Δ would be 0 and call every swing a rise).
    private const double MedianAbsoluteToStandardDeviation = 1.4826;
    private static readonly double SecondDifferenceScale = Math.Sqrt(3.0);

    private readonly BoundedRing<RecentProbe> _ring = new(capacity);

    /// <summary>Number of probes held (at most the capacity).</summary>
    public int Count => _ring.Count;

    /// <summary>The i-th probe held, oldest first.</summary>
    public RecentProbe At(int i) => _ring[i];

    /// <summary>Adds <paramref name="probe"/> as the newest, dropping the oldest when full.</summary>
    public void Push(RecentProbe probe) => _ring.Push(probe);

    /// <summary>The newest probe that has a kernel sketch, or null.</summary>
    public RecentProbe? LatestSketched()
    {
        for (var i = Count - 1; i >= 0; i--)
        {
            if (At(i).Sketch is not null)
            {
                return At(i);
            }
        }

        return null;
    }

    /// <summary>
    /// Robust standard deviation of the change of the ln held-out loss between consecutive probes, from the second differences of ln E over
    /// the last <paramref name="intervals"/> intervals that end before the newest probe (so a jump at the newest probe does
    /// not widen its own yardstick); NaN with fewer than two second differences.
    /// </summary>
    public double LossNoise(int intervals)
    {
        var changes = new List<double>(intervals);
        for (var i = Count - 2; i >= 1 && changes.Count < intervals; i--)
        {
            var (a, b) = (At(i - 1).Loss, At(i).Loss);
            if (!(a > 0.0 && b > 0.0 && double.IsFinite(a) && double.IsFinite(b)))
            {
                break; // only consecutive intervals: a gap would pair changes that are not neighbours
            }

            changes.Add(Math.Log(b / a));
        }

        if (changes.Count < 3)
        {
            return double.NaN;
        }

        var second = new List<double>(changes.Count - 1);
        for (var j = 1; j < changes.Count; j++)
        {
            second.Add(Math.Abs(changes[j] - changes[j - 1]));
        }

        return MedianAbsoluteToStandardDeviation * Median(second) / SecondDifferenceScale;
    }

    /// <summary>
    /// Median of the held-out loss of the last three probes with a finite one (fewer at the start): one outlying probe does
    /// not move it. NaN when none is finite.
    /// </summary>
    public double SmoothedLoss()
    {
        var last = new List<double>(3);
        for (var i = Count - 1; i >= 0 && last.Count < 3; i--)
        {
            if (double.IsFinite(At(i).Loss))
            {
                last.Add(At(i).Loss);
            }
        }

        return last.Count == 0 ? double.NaN : Median(last);
    }

    /// <summary>Smallest finite training loss among the <paramref name="probes"/> probes before the newest; NaN when none has one.</summary>
    public double LowestEarlierTrainingLoss(int probes)
    {
        var lowest = double.NaN;
        for (var i = Count - 2; i >= 0 && i >= Count - 1 - probes; i--)
        {
            var loss = At(i).TrainingLoss;
            if (double.IsFinite(loss) && !(loss >= lowest))
            {
                lowest = loss;
            }
        }

        return lowest;
    }

    internal static double Median(List<double> values)
    {
        values.Sort();
        var n = values.Count;
        return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
    }
}
