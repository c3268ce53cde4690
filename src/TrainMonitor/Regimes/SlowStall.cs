namespace TrainMonitor.Regimes;

/// <summary>
/// The slow (lazy-plateau) stall: over probes at least <see cref="RegimeThresholds.MinimumLogSpacing"/> apart in ln t, the
/// frontier velocity c and the measured loss exponent; a probe is slowly stalled when the kernel does not move, the frontier
/// does not advance and the error does not fall, and progress has died out — the loss exponent fell to half its peak or
/// less, or half the error sits where the kernel cannot reach. Counted per ln-t-spaced probe.
/// </summary>
/// <remarks>
/// A probe closer than MinimumLogSpacing to the latest slot is judged in that slot's place but not kept, so the exponents
/// compare probes far enough apart to rise above the probe-to-probe noise of stochastic training. Not thread-safe.
/// </remarks>
internal sealed class SlowStall(RegimeThresholds thresholds)
{
    // Progress has died out when the loss exponent fell to at most this fraction of its peak in the run: early in a run the
    // error falls about linearly in t, E ≈ E₀ − c·t, whose exponent c·t/E is small and growing — a run that has not got going.
    private const double SlowdownFraction = 0.5;

    // Or when this fraction of the error energy is in the kernel's null space: the frozen kernel cannot halve it at any rate.
    private const double UnreachableFraction = 0.5;

    private readonly ProbeWindow _slots = new(thresholds.Window);
    private double _peakExponent = double.NaN;
    private int _committed;
    private int _beforeLast;

    /// <summary>Consecutive slowly stalled probes up to the latest.</summary>
    public int StalledProbes { get; private set; }

    /// <summary>Adds a probe and returns the frontier velocity, the latest tail exponent and the measured loss exponent.</summary>
    public (double FrontierVelocity, double Tail, double Measured) Observe(RegimeObservation o, double logStep, bool kernelMoving)
    {
        var t = thresholds;
        var replaceLast = _slots.Count >= 2 && logStep - _slots.RecordAt(_slots.Count - 1).LogStep < t.MinimumLogSpacing;
        var record = new ProbeWindowRecord(logStep, o.ErrorEnergy, o.FrontierLambda, o.TailExponent);
        var keptLast = default(ProbeWindowRecord);
        if (replaceLast)
        {
            keptLast = _slots.ReplaceLatest(record);
        }
        else
        {
            _beforeLast = _committed;
            _slots.Push(record);
        }

        var frontierVelocity = Negate(_slots.Slope(static r => r.Frontier));
        var tail = _slots.LatestTailExponent();
        var measured = Negate(_slots.Slope(static r => r.Energy));
        // A stall is learning that stopped: the frontier does not advance *and* the error energy does not fall. A frontier
        // that holds still while the energy keeps falling (the dense QuickStart: λ_f flat for 120k steps while E fell as
        // t^−0.6) is progress at every eigenvalue at once, not stagnation.
        var energyStalled = !(measured >= t.EnergyStallExponent);
        var frontierStalled = double.IsFinite(frontierVelocity)
            ? frontierVelocity < t.FrontierStallVelocity && energyStalled
            : measured < t.EnergyStallExponent;
        if (double.IsFinite(measured) && !(measured <= _peakExponent))
        {
            _peakExponent = measured;
        }

        var diedOut = (double.IsFinite(measured) && measured <= SlowdownFraction * _peakExponent) || o.NullEnergyFraction >= UnreachableFraction;
        StalledProbes = !kernelMoving && frontierStalled && diedOut ? _beforeLast + 1 : 0;
        if (replaceLast)
        {
            _slots.ReplaceLatest(keptLast);
        }
        else
        {
            _committed = StalledProbes;
        }

        return (frontierVelocity, tail, measured);
    }

    /// <summary>−x, with −0 turned into +0 so that reasons never print "-0".</summary>
    private static double Negate(double x) => 0.0 - x;
}
