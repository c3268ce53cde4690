namespace TrainMonitor.Regimes;

/// <summary>
/// Whether the model's outputs still move: per probe interval, frozen when their relative change per unit ln t is below
/// <see cref="RegimeThresholds.FrozenOutputSpeed"/>, or their change per step below
/// <see cref="RegimeThresholds.FrozenOutputFraction"/> of what it was over the last intervals in which they moved; and how
/// many probes in a row, since which step, they have stood still.
/// </summary>
/// <remarks>
/// The second test keeps a stall visible late in a long run, where a residual drift of the weights (momentum, a rate cut to
/// 1e-7) per unit ln t grows with t. The moving speeds are kept across a stall, so it is judged against the speed the run
/// had, however long it lasts. Not thread-safe.
/// </remarks>
internal sealed class OutputMotion(RegimeThresholds thresholds)
{
    private readonly Queue<double> _movingSpeeds = new();

    /// <summary>Consecutive frozen probes up to the latest.</summary>
    public int FrozenProbes { get; private set; }

    /// <summary>Step of the last probe before the current frozen stretch (where the outputs last moved).</summary>
    public long FrozenSince { get; private set; }

    /// <summary>Judges one interval of relative output change <paramref name="change"/> and returns whether it was frozen.</summary>
    public bool Observe(double change, double logSpan, long stepSpan, long previousStep)
    {
        if (!double.IsFinite(change) || !(logSpan > 0.0) || stepSpan <= 0)
        {
            FrozenProbes = 0;
            return false;
        }

        var moving = _movingSpeeds.Count == 0 ? double.NaN : RecentProbes.Median([.. _movingSpeeds]);
        var frozen = change / logSpan < thresholds.FrozenOutputSpeed
            || (double.IsFinite(moving) && change / stepSpan < thresholds.FrozenOutputFraction * moving);
        if (frozen)
        {
            FrozenSince = FrozenProbes == 0 ? previousStep : FrozenSince;
            FrozenProbes++;
            return true;
        }

        FrozenProbes = 0;
        _movingSpeeds.Enqueue(change / stepSpan);
        while (_movingSpeeds.Count > thresholds.Window)
        {
            _movingSpeeds.Dequeue();
        }

        return false;
    }
}
