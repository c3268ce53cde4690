using TrainMonitor.Kernel;

namespace TrainMonitor.Regimes;

/// <summary>
/// Follows a training run probe by probe and tells its regime (DESIGN §1.4–1.5, docs/engine.md "Regimes"): the motion of
/// the model's tangent kernel against its outputs, whether the outputs still move, the held-out error against its own
/// noise, the training loss, the frontier velocity and loss exponents, and from them a <see cref="TrainingRegime"/> with a
/// reason in words.
/// </summary>
/// <remarks>
/// <para><b>Figures</b> (t the optimiser step):</para>
/// <list type="bullet">
/// <item>the <b>kernel velocity</b>: the angle arccos(1 − S) the tangent kernel turned since the first probe, per e-fold of
/// the held-out probe loss's fall since then (at least a fall of <see cref="RegimeThresholds.EnergyGrowthTolerance"/>): 0 for
/// a model linear in its trained parameters, ~1/α under output scale α, 0.03–0.3 and more in feature learning, whatever
/// the step or the probe spacing; and the relative change δ of the model's outputs on the probe set since the previous probe;</item>
/// <item>the outputs are <b>frozen</b> over an interval when δ per unit ln t is below <see cref="RegimeThresholds.FrozenOutputSpeed"/>
/// or δ per step is below <see cref="RegimeThresholds.FrozenOutputFraction"/> of its value while they last moved;</item>
/// <item>the <b>noise</b> σ of the ln probe loss L, from its second differences over the last
/// <see cref="RegimeThresholds.NoiseWindow"/> intervals; a rise counts when ln L exceeds its best by more than
/// max(ln(1 + <see cref="RegimeThresholds.EnergyGrowthTolerance"/>), <see cref="RegimeThresholds.NoiseMultiplier"/>·σ) —
/// the current L for a divergence, the median of the last three (against half of it) for overfitting;</item>
/// <item>frontier velocity c and the measured loss exponent are slopes against ln t over probes at least
/// <see cref="RegimeThresholds.MinimumLogSpacing"/> apart (the slow-stall test only).</item>
/// </list>
/// <para><b>Regime</b>, first rule that applies: <see cref="TrainingRegime.Unstable"/> when the error energy is not finite
/// (at once, warm-up or not); <see cref="TrainingRegime.WarmingUp"/> for the first <see cref="RegimeThresholds.MinimumProbes"/>
/// − 1 probes; <see cref="TrainingRegime.Unstable"/> while an earlier divergence has not come back to its level before, when
/// the error jumps above its noise and the training loss rises (or is not reported), or when η·λ_max ≥
/// <see cref="RegimeThresholds.StabilityMarginLimit"/> where that margin applies; the outputs frozen for
/// <see cref="RegimeThresholds.FrozenProbes"/> probes is a stall; <see cref="TrainingRegime.Overfitting"/> when the smoothed
/// probe loss rises above its noise while the training loss falls, or the generalization gap widened by
/// <see cref="RegimeThresholds.GeneralizationGapFactor"/>; <see cref="TrainingRegime.FeatureLearning"/> when the kernel velocity exceeds
/// <see cref="RegimeThresholds.KernelVelocityThreshold"/> (half of it while already feature learning); the kernel frozen
/// with frontier and error not advancing for <see cref="RegimeThresholds.StagnationProbes"/> ln-t-spaced probes is a slow
/// stall; otherwise <see cref="TrainingRegime.LazyProgressing"/>. A stall is <see cref="TrainingRegime.LazyStagnant"/>, or
/// <see cref="TrainingRegime.NotLearning"/> when the run never learned (its probe loss never fell by
/// <see cref="RegimeThresholds.LearningDrop"/> below the first probe's and it was never feature learning).</para>
/// <para>Every change of state that matters for an alert — a stall, a divergence, a recovery — is decided from the last few
/// probes, so its delay is bounded in probes whatever the step. Missing, all-zero or incompatible sketches give NaN and a
/// note in the reason; they never throw.</para>
/// <para><b>Memory</b> is bounded: a ring of max(<see cref="RegimeThresholds.Window"/>, <see cref="RegimeThresholds.NoiseWindow"/>) + 1
/// small records with their sketches, the ln-t-spaced window and the first sketch, however long the run.</para>
/// <para>Thread-safe: <see cref="Observe"/> calls are serialised and the properties may be read from any thread.</para>
/// </remarks>
public sealed class RegimeTracker
{
    private readonly RegimeThresholds _thresholds;
    private readonly Lock _gate = new();
    private readonly RecentProbes _recent;
    private readonly Queue<double> _transport = new();
    private readonly OutputMotion _motion;
    private readonly SlowStall _slowStall;
    private KernelSketch? _firstSketch;
    private int _probeCount;
    private long _lastStep;
    private long _firstStep;
    private double _firstLoss = double.NaN;
    private double _bestLoss = double.NaN;
    private long _bestLossStep;
    private double _bestSmoothed = double.NaN;
    private long _bestSmoothedStep;
    private double _lossAtBestSmoothed = double.NaN;
    private double _trainingLossAtBest = double.NaN;
    private int _probesAboveBest;
    private double _largestRate = double.NaN;
    private UnstableEpisode? _unstable;
    private bool _everFeatureLearning;
    private TrainingRegime _current = TrainingRegime.WarmingUp;

    /// <summary>Creates a tracker with <paramref name="thresholds"/> (copied), or the defaults when null.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is out of range (see <see cref="RegimeThresholds.Validate"/>).</exception>
    public RegimeTracker(RegimeThresholds? thresholds = null)
    {
        _thresholds = (thresholds ?? new RegimeThresholds()).Clone();
        _thresholds.Validate();
        _recent = new RecentProbes(Math.Max(_thresholds.Window, _thresholds.NoiseWindow) + 1);
        _motion = new OutputMotion(_thresholds);
        _slowStall = new SlowStall(_thresholds);
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

    /// <summary>Number of recent probe records held: the bounded history.</summary>
    internal int HistoryLength
    {
        get
        {
            lock (_gate)
            {
                return _recent.Count;
            }
        }
    }

    /// <summary>Number of kernel sketches held: the first and those of the recent records.</summary>
    internal int RetainedSketches
    {
        get
        {
            lock (_gate)
            {
                var held = 0;
                for (var i = 0; i < _recent.Count; i++)
                {
                    var s = _recent.At(i).Sketch;
                    held += s is not null && !ReferenceEquals(s, _firstSketch) ? 1 : 0;
                }

                return held + (_firstSketch is null ? 0 : 1);
            }
        }
    }

    /// <summary>Consecutive stalled probes up to and including the latest (frozen outputs or slow stall, whichever is longer).</summary>
    internal int StalledProbes
    {
        get
        {
            lock (_gate)
            {
                return Math.Max(_motion.FrozenProbes, _slowStall.StalledProbes);
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
        var previousStep = _probeCount > 0 ? _lastStep : 0;

        // Kernel and output motion since the previous sketched probe: never throw for a sketch problem during a run.
        var (distance, angle, change, logSpan, stepSpan, fromFirst, kernelNote) = SketchComparison.Of(o.Sketch, o.Step, logStep, _recent.LatestSketched(), _firstSketch);
        var frozen = _motion.Observe(change, logSpan, stepSpan, previousStep);
        var previousSmoothed = _recent.SmoothedLoss();

        // Everything below is arithmetic that cannot fail: the probe is committed.
        var level = HeldOutLevel(o);
        _recent.Push(new RecentProbe(o.Step, logStep, level, o.TrainingLoss, o.Sketch, angle, change, logSpan, stepSpan, frozen));
        _lastStep = o.Step;
        _probeCount++;
        if (_probeCount == 1)
        {
            _firstStep = o.Step;
            _firstLoss = level;
        }

        if (o.Sketch is not null)
        {
            _firstSketch ??= o.Sketch;
        }

        if (o.LearningRate is { } rate && double.IsFinite(rate) && !(rate <= _largestRate))
        {
            _largestRate = rate;
        }

        var noise = _recent.LossNoise(t.NoiseWindow);
        var floor = Math.Log(1.0 + t.EnergyGrowthTolerance);
        var riseThreshold = Math.Max(floor, double.IsFinite(noise) ? t.NoiseMultiplier * noise : 0.0);
        // The median of three probes fluctuates less than one probe: for white noise its standard deviation is about 0.67 of
        // the level's, itself 1/√2 of the increments' — about half of σ.
        var smoothedThreshold = Math.Max(floor, double.IsFinite(noise) ? 0.5 * t.NoiseMultiplier * noise : 0.0);
        var smoothed = _recent.SmoothedLoss();
        var jump = Math.Log(level / _bestLoss);
        _probesAboveBest = level > _bestLoss * (1.0 + t.EnergyGrowthTolerance) ? _probesAboveBest + 1 : 0;
        var gapWidened = _probesAboveBest >= 2 && o.TrainingLoss <= _trainingLossAtBest / t.GeneralizationGapFactor;
        var smoothedRise = Math.Log(smoothed / _bestSmoothed);
        var recentBestLoss = _recent.LowestEarlierTrainingLoss(t.NoiseWindow);
        UpdateBests(o.Step, level, smoothed, o.TrainingLoss);

        // The kernel's rotation since the first probe per e-fold of the held-out loss's fall since then (at least a fall of
        // the tolerance, so a run that has barely started is not divided by nothing).
        var fall = Math.Max(Math.Log(_firstLoss / _bestLoss), floor);
        var kernelVelocity = double.IsFinite(fromFirst) ? Math.Acos(Math.Max(-1.0, 1.0 - fromFirst)) / fall : double.NaN;
        var kernelThreshold = _current == TrainingRegime.FeatureLearning ? 0.5 * t.KernelVelocityThreshold : t.KernelVelocityThreshold;
        var kernelMoving = kernelVelocity > kernelThreshold;
        var transport = RecentTransport(o.TransportFraction);
        var transportMoving = t.UseTransport && transport > t.TransportThreshold;
        var (frontierVelocity, tail, measured) = _slowStall.Observe(o, logStep, kernelMoving || transportMoving);
        var margin = o.LearningRate is { } eta && double.IsFinite(eta) && double.IsFinite(o.LambdaMax) ? eta * o.LambdaMax : double.NaN;

        var signals = new RegimeSignals
        {
            Observation = o,
            ProbeCount = _probeCount,
            PreviousStep = previousStep,
            KernelAngle = angle,
            OutputChange = change,
            OutputSpeed = change / logSpan,
            KernelVelocity = kernelVelocity,
            KernelMoving = kernelMoving,
            KernelNote = kernelNote,
            Transport = t.UseTransport ? transport : double.NaN,
            TransportMoving = transportMoving,
            FrozenProbes = _motion.FrozenProbes,
            FrozenSince = _motion.FrozenSince,
            SlowStalledProbes = _slowStall.StalledProbes,
            FrontierVelocity = frontierVelocity,
            MeasuredExponent = measured,
            Margin = margin,
            RiseThreshold = riseThreshold,
            SmoothedRiseThreshold = smoothedThreshold,
            LossNoise = noise,
            Jump = jump,
            SmoothedRise = smoothedRise,
            PreviousSmoothedLoss = previousSmoothed,
            Level = level,
            BestLoss = _bestLoss,
            BestLossStep = _bestLossStep,
            BestSmoothedLoss = _bestSmoothed,
            BestSmoothedStep = _bestSmoothedStep,
            TrainingLossAtBest = _lossAtBestSmoothed,
            TrainingLossAtBestLoss = _trainingLossAtBest,
            GapWidened = gapWidened,
            RecentBestTrainingLoss = recentBestLoss,
            TrainingTolerance = t.TrainingLossGrowthTolerance,
            FirstLoss = _firstLoss,
            FirstStep = _firstStep,
            LargestLearningRate = _largestRate,
            HasLearned = _everFeatureLearning || (double.IsFinite(_bestLoss) && _bestLoss <= (1.0 - t.LearningDrop) * _firstLoss),
        };

        var (regime, reason, episode) = RegimeDecision.Decide(t, signals, _unstable, _current);
        _unstable = episode;
        if (kernelNote is not null && !reason.Contains(kernelNote, StringComparison.Ordinal))
        {
            reason = $"{reason} [{kernelNote}]";
        }

        _current = regime;
        _everFeatureLearning |= regime == TrainingRegime.FeatureLearning;
        return new RegimeAssessment
        {
            Regime = regime,
            Reason = reason,
            KernelDistance = distance,
            KernelDistanceFromFirst = fromFirst,
            KernelVelocity = kernelVelocity,
            OutputChange = change,
            FrontierVelocity = frontierVelocity,
            PredictedLossExponent = frontierVelocity * tail,
            MeasuredLossExponent = measured,
            StabilityMargin = margin,
        };
    }

    private void UpdateBests(long step, double level, double smoothed, double trainingLoss)
    {
        if (double.IsFinite(level) && !(level >= _bestLoss))
        {
            _bestLoss = level;
            _bestLossStep = step;
            _trainingLossAtBest = trainingLoss;
        }

        if (double.IsFinite(smoothed) && !(smoothed >= _bestSmoothed))
        {
            _bestSmoothed = smoothed;
            _bestSmoothedStep = step;
            _lossAtBestSmoothed = trainingLoss;
        }
    }

    /// <summary>The held-out level the trends are judged on: the probe loss, or the error energy when there is none.</summary>
    private static double HeldOutLevel(RegimeObservation o) => double.IsNaN(o.ProbeLoss) ? o.ErrorEnergy : o.ProbeLoss;

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

        return _transport.Count == 0 ? double.NaN : RecentProbes.Median([.. _transport]);
    }
}
