using TrainMonitor.EnergyBudget;
using TrainMonitor.Probing;
using TrainMonitor.Spectral;

namespace TrainMonitor.Session;

/// <summary>
/// The energy budget of a run, probe by probe: the dissipation at each probe's learning rate and the transport budget
/// since the previous probe. Keeps one measure (the previous probe's). Probes run one at a time, so
/// <see cref="Assess"/> is never entered twice at once.
/// </summary>
internal sealed class EnergyBudgetTracker
{
    private (long Step, SpectralMeasure Measure)? _previous;

    /// <summary>
    /// The budget of the probe at <paramref name="step"/>. <paramref name="path"/> is the rates since the previous
    /// probe (null when unknown: then no transport). A probe that failed or diverged passes null and breaks the chain, so
    /// the next probe is not compared across it.
    /// </summary>
    public (DissipationProfile? Dissipation, TransportBudget? Transport) Assess(long step, double? learningRate, SpectralProbeResult? result,
        LearningRatePath? path)
    {
        if (result is null || result.IsNonFinite)
        {
            _previous = null;
            return (null, null);
        }

        var dissipation = learningRate is { } rate && rate >= 0 && double.IsFinite(rate)
            ? DissipationProfile.Compute(result.Profile, result.Measure, rate)
            : null;
        var transport = _previous is { } previous && path is not null && previous.Step + path.Steps == step
            ? TransportBudget.Compute(previous.Measure, result.Measure, result.Profile, path, previous.Step)
            : null;
        _previous = (step, result.Measure);
        return (dissipation, transport);
    }

    /// <summary>Forgets the previous probe (a probe failed), so that no budget spans the gap.</summary>
    public void Break() => _previous = null;
}
