namespace TrainMonitor.Regimes;

/// <summary>
/// The ln-t-spaced probes of <see cref="RegimeTracker"/>'s slow-stall test: a ring of at most
/// <see cref="RegimeThresholds.Window"/> records at least <see cref="RegimeThresholds.MinimumLogSpacing"/> apart in ln t,
/// oldest first, and the log–log slopes taken over them (frontier velocity, loss exponent) with the latest tail exponent.
/// </summary>
/// <remarks>Its own type so that the tracker reads its history through records and figures, not ring arithmetic.
/// Not thread-safe: the tracker uses it only under its lock.</remarks>
internal sealed class ProbeWindow
{
    private readonly BoundedRing<ProbeWindowRecord> _ring;

    /// <summary>Creates an empty window holding at most <paramref name="capacity"/> records.</summary>
    internal ProbeWindow(int capacity) => _ring = new BoundedRing<ProbeWindowRecord>(capacity);

    /// <summary>Number of records held (at most the capacity).</summary>
    internal int Count => _ring.Count;

    /// <summary>Puts <paramref name="record"/> in the latest record's place and returns the record it replaced; the window must not be empty.</summary>
    internal ProbeWindowRecord ReplaceLatest(ProbeWindowRecord record) => _ring.ReplaceLatest(record);

    /// <summary>Least-squares slope of ln y against ln t over the window's probes with finite y &gt; 0; NaN with fewer than two.</summary>
    internal double Slope(Func<ProbeWindowRecord, double> select)
    {
        // Two passes with centred sums: exact for points on a line up to round-off.
        double sx = 0.0, sy = 0.0;
        var n = 0;
        for (var i = 0; i < _ring.Count; i++)
        {
            var r = RecordAt(i);
            var y = select(r);
            if (double.IsFinite(y) && y > 0.0)
            {
                sx += r.LogStep;
                sy += Math.Log(y);
                n++;
            }
        }

        if (n < 2)
        {
            return double.NaN;
        }

        double mx = sx / n, my = sy / n, sxy = 0.0, sxx = 0.0;
        for (var i = 0; i < _ring.Count; i++)
        {
            var r = RecordAt(i);
            var y = select(r);
            if (double.IsFinite(y) && y > 0.0)
            {
                var dx = r.LogStep - mx;
                sxy += dx * (Math.Log(y) - my);
                sxx += dx * dx;
            }
        }

        return sxx > 0.0 ? sxy / sxx : double.NaN;
    }

    /// <summary>The tail exponent of the newest record that has a finite one; NaN when none has.</summary>
    internal double LatestTailExponent()
    {
        for (var i = _ring.Count - 1; i >= 0; i--)
        {
            var s = RecordAt(i).TailExponent;
            if (double.IsFinite(s))
            {
                return s;
            }
        }

        return double.NaN;
    }

    /// <summary>Adds <paramref name="record"/> as the newest; when full, it takes the oldest record's slot.</summary>
    internal void Push(ProbeWindowRecord record) => _ring.Push(record);

    /// <summary>The i-th record of the window, oldest first.</summary>
    internal ProbeWindowRecord RecordAt(int i) => _ring[i];
}
