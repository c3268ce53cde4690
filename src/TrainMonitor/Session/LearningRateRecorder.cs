using TrainMonitor.EnergyBudget;

namespace TrainMonitor.Session;

/// <summary>
/// Records the learning rate of every optimiser step since the last probe, run-length encoded, so that the transport
/// budget can propagate the earlier probe's measure with the rates actually used. Training thread only: called from
/// <c>OnStep</c>, and taken when a probe starts.
/// </summary>
/// <remarks>
/// A loop that reports only every k-th step leaves gaps in the step numbers; the rate reported at the end of a gap is
/// taken to hold for every step in it. A step without a rate, or a step number that does not advance, leaves the
/// path unknown until the next probe.
/// </remarks>
internal sealed class LearningRateRecorder
{
    private readonly List<RateSegment> _segments = [];
    private long? _since;
    private long _last;
    private bool _unknown;

    /// <summary>Notes that <paramref name="step"/> was taken at <paramref name="learningRate"/>.</summary>
    public void Record(long step, double? learningRate)
    {
        if (_since is null)
        {
            return;
        }

        if (learningRate is not { } rate || !double.IsFinite(rate) || step <= _last)
        {
            _unknown = true;
            _last = Math.Max(_last, step);
            return;
        }

        var steps = step - _last;
        _last = step;
        if (_segments.Count > 0 && _segments[^1].LearningRate.Equals(rate))
        {
            _segments[^1] = _segments[^1] with { Steps = _segments[^1].Steps + steps };
        }
        else
        {
            _segments.Add(new RateSegment(rate, steps));
        }
    }

    /// <summary>
    /// The path from the previous probe to the probe at <paramref name="step"/>, or null when it is not known (no previous
    /// probe, a step without a rate, or steps that did not reach <paramref name="step"/>); starts a new path from
    /// <paramref name="step"/>.
    /// </summary>
    public LearningRatePath? Take(long step)
    {
        var path = _since is { } since && !_unknown && _last == step && step > since && _segments.Count > 0
            ? new LearningRatePath(_segments)
            : null;
        _segments.Clear();
        _since = step;
        _last = step;
        _unknown = false;
        return path;
    }
}
