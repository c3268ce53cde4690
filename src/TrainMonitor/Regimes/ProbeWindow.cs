namespace TrainMonitor.Regimes;

/// <summary>
/// The bounded history of <see cref="RegimeTracker"/>: a ring of at most <see cref="RegimeThresholds.Window"/> probe
/// records, oldest first, and the figures taken over it (kernel velocity, log–log slopes, the latest tail exponent).
/// </summary>
/// <remarks>Its own type so that the tracker reads its history through records and figures, not ring arithmetic.
/// Not thread-safe: the tracker uses it only under its lock.</remarks>
internal sealed class ProbeWindow
{
    private readonly ProbeWindowRecord[] _ring;
    private int _ringStart;
    private int _ringCount;

    /// <summary>Creates an empty window holding at most <paramref name="capacity"/> records.</summary>
    internal ProbeWindow(int capacity) => _ring = new ProbeWindowRecord[capacity];

    /// <summary>Number of records held (at most the capacity).</summary>
    internal int Count => _ringCount;

    /// <summary>Puts <paramref name="record"/> in the latest record's place and returns the record it replaced; the window must not be empty.</summary>
    internal ProbeWindowRecord ReplaceLatest(ProbeWindowRecord record)
    {
        var lastSlot = (_ringStart + _ringCount - 1) % _ring.Length;
        var replaced = _ring[lastSlot];
        _ring[lastSlot] = record;
        return replaced;
    }

    /// <summary>Σ S / Σ Δln t over the window's probes that have a distance to an earlier sketch.</summary>
    internal double KernelVelocity()
    {
        double distance = 0.0, span = 0.0;
        var pairs = 0;
        for (var i = 0; i < _ringCount; i++)
        {
            var r = RecordAt(i);
            if (double.IsFinite(r.KernelDistance) && r.KernelSpan > 0.0)
            {
                distance += r.KernelDistance;
                span += r.KernelSpan;
                pairs++;
            }
        }

        return pairs > 0 ? distance / span : double.NaN;
    }

    /// <summary>Least-squares slope of ln y against ln t over the window's probes with finite y &gt; 0; NaN with fewer than two.</summary>
    internal double Slope(Func<ProbeWindowRecord, double> select)
    {
        // Two passes with centred sums: exact for points on a line up to round-off.
        double sx = 0.0, sy = 0.0;
        var n = 0;
        for (var i = 0; i < _ringCount; i++)
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
        for (var i = 0; i < _ringCount; i++)
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
        for (var i = _ringCount - 1; i >= 0; i--)
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
    internal void Push(ProbeWindowRecord record)
    {
        if (_ringCount < _ring.Length)
        {
            _ring[(_ringStart + _ringCount) % _ring.Length] = record;
            _ringCount++;
        }
        else
        {
            _ring[_ringStart] = record;
            _ringStart = (_ringStart + 1) % _ring.Length;
        }
    }

    /// <summary>The i-th record of the window, oldest first.</summary>
    internal ProbeWindowRecord RecordAt(int i) => _ring[(_ringStart + i) % _ring.Length];
}
