using TrainMonitor.Kernel;

namespace TrainMonitor.Regimes;

/// <summary>
/// Follows a training run probe by probe and tells its regime (DESIGN §1.4–1.5): kernel distance and velocity,
/// frontier velocity c, predicted (c·s) and measured loss exponents, stability margin, and from them
/// <see cref="TrainingRegime"/> with a reason in words.
/// </summary>
/// <remarks>
/// <para><b>Figures.</b> Time is ln t, t the optimiser step. Over the last <see cref="RegimeThresholds.Window"/> probes
/// (the current one included):</para>
/// <list type="bullet">
/// <item>kernel velocity = Σ S_i / Σ Δln t_i over the window's probes that have a kernel distance S_i to the sketched
/// probe before them (a Δln t-weighted mean of the per-pair rates, robust to unevenly spaced probes);</item>
/// <item>frontier velocity c = −slope of the least-squares line of ln λ_f against ln t, over the probes with a
/// determined frontier (NaN with fewer than two);</item>
/// <item>predicted loss exponent γ = c·s, s the latest determined tail exponent in the window;</item>
/// <item>measured loss exponent = −slope of ln E_total against ln t, over the probes with finite positive energy;</item>
/// <item>stability margin η·λ_max at the current probe, when the learning rate is known.</item>
/// </list>
/// <para><b>Kernel distances</b> are taken to the most recent earlier probe that carried a sketch (normally the
/// previous probe) and to the first probe that carried one. Missing, all-zero or incompatible sketches (different
/// seed, k or probe set) give NaN and a note in the reason; they never throw.</para>
/// <para><b>Regime</b>, first rule that applies: <see cref="TrainingRegime.Unstable"/> when the error energy is not finite
/// (a diverged run, from the first such probe, warm-up or not); <see cref="TrainingRegime.WarmingUp"/> while fewer than
/// <see cref="RegimeThresholds.MinimumProbes"/> probes have been seen; <see cref="TrainingRegime.Unstable"/> when
/// η·λ_max ≥ <see cref="RegimeThresholds.StabilityMarginLimit"/>, or the error energy exceeds both previous window slots by
/// more than <see cref="RegimeThresholds.EnergyGrowthTolerance"/> (sustained growth, not one rebound);
/// <see cref="TrainingRegime.FeatureLearning"/> when the kernel velocity exceeds
/// <see cref="RegimeThresholds.KernelVelocityThreshold"/>; <see cref="TrainingRegime.LazyStagnant"/> when the last
/// <see cref="RegimeThresholds.StagnationProbes"/> probes were all stalled; otherwise
/// <see cref="TrainingRegime.LazyProgressing"/>. A probe is stalled when the kernel is not moving (velocity at or below
/// the threshold, or unknown for want of sketches — then the decision rests on the frontier and energy alone, and the
/// reason says so) and learning has stopped: c &lt; <see cref="RegimeThresholds.FrontierStallVelocity"/> and the measured
/// loss exponent is below <see cref="RegimeThresholds.EnergyStallExponent"/> (or unknown), or, when c is unknown because
/// the frontier is undetermined, the loss exponent alone is below it. Stalled probes are counted whatever the regime reported.</para>
/// <para><b>Window</b>: probes closer than <see cref="RegimeThresholds.MinimumLogSpacing"/> in ln t to the latest probe of
/// the window replace it instead of being added, so a densely probed run (every N steps, late in training) is judged over
/// the same stretch of ln t as a log-spaced one, and each comparison spans enough training for its change to exceed the
/// noise of stochastic gradients. Stalled probes are counted per window slot.</para>
/// <para><b>Memory</b> is bounded: the tracker keeps a ring of <see cref="RegimeThresholds.Window"/> small records
/// (step, energy, frontier, tail exponent, kernel distance, and the probe's sketch) and the first sketch, however long
/// the run.</para>
/// <para>Thread-safe: <see cref="Observe"/> calls are serialised and the properties may be read from any thread.</para>
/// </remarks>
public sealed class RegimeTracker
{
    private readonly RegimeThresholds _thresholds;
    private readonly Lock _gate = new();
    private readonly ProbeWindow _window;
    private readonly Queue<double> _transport = new();
    private long _lastStep;
    private KernelSketch? _firstSketch;
    private int _stalledProbes;
    private int _stalledCommitted;
    private int _stalledBeforeLast;
    private int _probeCount;
    private TrainingRegime _current = TrainingRegime.WarmingUp;

    /// <summary>Creates a tracker with <paramref name="thresholds"/> (copied), or the defaults when null.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is out of range (see <see cref="RegimeThresholds.Validate"/>).</exception>
    public RegimeTracker(RegimeThresholds? thresholds = null)
    {
        _thresholds = (thresholds ?? new RegimeThresholds()).Clone();
        _thresholds.Validate();
        _window = new ProbeWindow(_thresholds.Window);
    }

    /// <summary>The regime at the latest probe (<see cref="TrainingRegime.WarmingUp"/> before the first).</summary>
    public TrainingRegime Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Number of probes observed so far.</summary>
    public int ProbeCount
    {
        get
        {
            lock (_gate)
            {
                return _probeCount;
            }
        }
    }

    /// <summary>Number of probe records held (at most <see cref="RegimeThresholds.Window"/>): the bounded history.</summary>
    internal int HistoryLength
    {
        get
        {
            lock (_gate)
            {
                return _window.Count;
            }
        }
    }

    /// <summary>Number of kernel sketches held: the first and those of the window's records (at most Window + 1).</summary>
    internal int RetainedSketches
    {
        get
        {
            lock (_gate)
            {
                var held = 0;
                for (var i = 0; i < _window.Count; i++)
                {
                    var s = _window.RecordAt(i).Sketch;
                    held += s is not null && !ReferenceEquals(s, _firstSketch) ? 1 : 0;
                }

                return held + (_firstSketch is null ? 0 : 1);
            }
        }
    }

    /// <summary>Consecutive stalled probes up to and including the latest.</summary>
    internal int StalledProbes
    {
        get
        {
            lock (_gate)
            {
                return _stalledProbes;
            }
        }
    }

    /// <summary>Adds one probe to the history and assesses the regime.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="observation"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The step is below 1, or the error energy is negative.</exception>
    /// <exception cref="ArgumentException">The step does not exceed the previous probe's step.</exception>
    /// <remarks>A rejected observation leaves the tracker unchanged.</remarks>
    public RegimeAssessment Observe(RegimeObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        if (observation.Step < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(observation), observation.Step,
                $"The step must be at least 1 (the tracker works in ln t); got {observation.Step}.");
        }

        if (observation.ErrorEnergy < 0.0)
        {
            throw new ArgumentOutOfRangeException(nameof(observation), observation.ErrorEnergy,
                $"The error energy ‖e‖²/n cannot be negative; got {observation.ErrorEnergy}.");
        }

        lock (_gate)
        {
            if (_probeCount > 0 && observation.Step <= _lastStep)
            {
                throw new ArgumentException(
                    $"Probe steps must increase strictly: got step {observation.Step} after step {_lastStep}.", nameof(observation));
            }

            return ObserveLocked(observation);
        }
    }

    private RegimeAssessment ObserveLocked(RegimeObservation o)
    {
        var t = _thresholds;
        var logStep = Math.Log(o.Step);
        // A probe closer than MinimumLogSpacing in ln t to the latest slot of the window is judged in that slot's place
        // but not kept (the slot is restored afterwards): the window's slots stay at least that far apart however densely
        // the run is probed, and every comparison (energy growth, kernel distance, slopes) is between probes far enough
        // apart for the change to exceed the probe-to-probe noise of stochastic training — a dense schedule would
        // otherwise divide that noise by a tiny Δln t.
        var replaceLast = _window.Count >= 2 && logStep - _window.RecordAt(_window.Count - 1).LogStep < _thresholds.MinimumLogSpacing;
        var predecessorCount = replaceLast ? _window.Count - 1 : _window.Count;
        var previousEnergy = predecessorCount > 0 ? _window.RecordAt(predecessorCount - 1).Energy : double.NaN;
        var earlierEnergy = predecessorCount > 1 ? _window.RecordAt(predecessorCount - 2).Energy : double.NaN;

        // Kernel distances: never throw for a sketch problem during a run, say why instead.
        var distance = double.NaN;
        var span = double.NaN;
        var fromFirst = double.NaN;
        string? kernelNote = null;
        var sketch = o.Sketch;
        if (sketch is null)
        {
            kernelNote = "no kernel sketch at this probe";
        }
        else
        {
            var first = _firstSketch ?? sketch;
            fromFirst = SafeDistance(first, sketch, "the first sketch", out var firstNote);
            for (var i = predecessorCount - 1; i >= 0; i--)
            {
                if (_window.RecordAt(i).Sketch is { } previous)
                {
                    distance = SafeDistance(previous, sketch, "the previous sketch", out kernelNote);
                    span = logStep - _window.RecordAt(i).LogStep;
                    break;
                }
            }

            kernelNote ??= firstNote;
        }

        // Commit the probe (everything below is arithmetic that cannot fail).
        var record = new ProbeWindowRecord(logStep, o.ErrorEnergy, o.FrontierLambda, o.TailExponent, distance, span, sketch);
        var keptLast = default(ProbeWindowRecord);
        if (replaceLast)
        {
            keptLast = _window.ReplaceLatest(record);
        }
        else
        {
            _stalledBeforeLast = _stalledCommitted;
            _window.Push(record);
        }

        _lastStep = o.Step;
        _probeCount++;
        if (sketch is not null)
        {
            _firstSketch ??= sketch;
        }

        var kernelVelocity = _window.KernelVelocity();
        var frontierVelocity = Negate(_window.Slope(static r => r.Frontier));
        var tail = _window.LatestTailExponent();
        var predicted = frontierVelocity * tail;
        var measured = Negate(_window.Slope(static r => r.Energy));
        var margin = o.LearningRate is { } eta && double.IsFinite(eta) && double.IsFinite(o.LambdaMax) ? eta * o.LambdaMax : double.NaN;

        var transport = RecentTransport(o.TransportFraction);
        var transportMoving = t.UseTransport && transport > t.TransportThreshold;
        var kernelMoving = kernelVelocity > t.KernelVelocityThreshold;
        // A stall is learning that stopped: the frontier does not advance *and* the error energy does not fall. A frontier
        // that holds still while the energy keeps falling (measured on a dense QuickStart run: λ_f flat for 120k steps
        // while E fell as t^−0.6) is progress at every eigenvalue at once, not stagnation.
        var energyStalled = !(measured >= t.EnergyStallExponent);
        var frontierStalled = double.IsFinite(frontierVelocity)
            ? frontierVelocity < t.FrontierStallVelocity && energyStalled
            : measured < t.EnergyStallExponent;
        var stalled = !kernelMoving && !transportMoving && frontierStalled;
        // Counted per slot of the window: a probe judged in the latest slot's place counts as that slot.
        _stalledProbes = stalled ? _stalledBeforeLast + 1 : 0;
        if (replaceLast)
        {
            _window.ReplaceLatest(keptLast);
        }
        else
        {
            _stalledCommitted = _stalledProbes;
        }

        var (regime, reason) = RegimeDecision.Decide(
            t, _probeCount, _stalledProbes, o, previousEnergy, earlierEnergy, margin, kernelVelocity, kernelNote, frontierVelocity, measured, kernelMoving,
            t.UseTransport ? transport : double.NaN, transportMoving);
        if (kernelNote is not null && !reason.Contains(kernelNote, StringComparison.Ordinal))
        {
            reason = $"{reason} [{kernelNote}]";
        }

        _current = regime;
        return new RegimeAssessment
        {
            Regime = regime,
            Reason = reason,
            KernelDistance = distance,
            KernelDistanceFromFirst = fromFirst,
            KernelVelocity = kernelVelocity,
            FrontierVelocity = frontierVelocity,
            PredictedLossExponent = predicted,
            MeasuredLossExponent = measured,
            StabilityMargin = margin,
        };
    }

    // The median of the last Window intervals' transport fractions: one interval's spike (a tiny error energy late in a
    // converged run) does not make a lazy run feature learning.
    private double RecentTransport(double latest)
    {
        if (double.IsFinite(latest))
        {
            _transport.Enqueue(latest);
            while (_transport.Count > _thresholds.Window)
            {
                _transport.Dequeue();
            }
        }

        if (_transport.Count == 0)
        {
            return double.NaN;
        }

        var sorted = _transport.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }

    private static double SafeDistance(KernelSketch a, KernelSketch b, string what, out string? note)
    {
        note = null;
        double s;
        try
        {
            s = KernelSketch.Distance(a, b);
        }
        catch (ArgumentException ex)
        {
            note = $"sketch not comparable with {what}: {ex.Message}";
            return double.NaN;
        }

        if (double.IsNaN(s))
        {
            note = $"all-zero sketch (M = 0 on the probe set), distance to {what} undefined";
        }

        return s;
    }

    /// <summary>−x, with −0 turned into +0 so that reasons never print "-0".</summary>
    private static double Negate(double x) => 0.0 - x;
}
