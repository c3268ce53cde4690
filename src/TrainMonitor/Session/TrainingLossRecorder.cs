namespace TrainMonitor.Session;

/// <summary>
/// Averages the training losses the loop reports between probes, so that a probe sees the training loss of the whole
/// interval rather than one minibatch's (whose noise would hide a trend). Training thread only; no allocation.
/// </summary>
internal sealed class TrainingLossRecorder
{
    private double _sum;
    private long _count;
    private bool _nonFinite;

    /// <summary>Adds one step's loss; null (not reported) is ignored, a NaN or infinite loss marks the interval as diverged.</summary>
    public void Record(double? loss)
    {
        if (loss is not { } value)
        {
            return;
        }

        if (!double.IsFinite(value))
        {
            _nonFinite = true;
            return;
        }

        _sum += value;
        _count++;
    }

    /// <summary>
    /// The mean loss since the last call (+∞ when a reported loss was not finite, null when none was reported) and starts
    /// a new interval.
    /// </summary>
    public double? Take()
    {
        double? mean = _nonFinite ? double.PositiveInfinity : _count > 0 ? _sum / _count : null;
        _sum = 0.0;
        _count = 0;
        _nonFinite = false;
        return mean;
    }
}
