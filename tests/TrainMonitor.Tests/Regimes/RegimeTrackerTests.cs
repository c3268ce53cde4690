using TrainMonitor.Kernel;
using TrainMonitor.Regimes;
using static TrainMonitor.Tests.Regimes.RegimeHistories;

namespace TrainMonitor.Tests.Regimes;

public sealed class RegimeTrackerTests
{
    private static RegimeAssessment[] Run(RegimeTracker tracker, IEnumerable<RegimeObservation> observations) =>
        observations.Select(tracker.Observe).ToArray();

    [Fact]
    public void LazyLinearGradientDescentRecoversExponentsAndIsLazyProgressingAfterWarmUp()
    {
        var m = FixedMatrix();
        var tracker = new RegimeTracker();

        // A fresh sketch of the same matrix at every probe (not one shared object), as a real run would capture.
        var a = Run(tracker, Steps.Select(t => Lazy(t, Sketch(m))));

        Assert.Equal(TrainingRegime.WarmingUp, a[0].Regime);
        Assert.Equal(TrainingRegime.WarmingUp, a[1].Regime);
        Assert.All(a.Skip(2), x => Assert.Equal(TrainingRegime.LazyProgressing, x.Regime));
        Assert.Equal(TrainingRegime.LazyProgressing, tracker.Current);
        Assert.Equal(Steps.Length, tracker.ProbeCount);

        Assert.True(double.IsNaN(a[0].KernelDistance));
        Assert.True(double.IsNaN(a[0].FrontierVelocity));
        Assert.True(double.IsNaN(a[0].MeasuredLossExponent));
        for (var i = 1; i < a.Length; i++)
        {
            // Same M, same Z: the sketches are bitwise equal and S is exactly 0.
            Assert.Equal(0.0, a[i].KernelDistance);
            Assert.Equal(0.0, a[i].KernelDistanceFromFirst);
            Assert.Equal(0.0, a[i].KernelVelocity);

            // λ_f ∝ 1/t and E ∝ t^(−s): the least-squares slopes are exact up to round-off on unevenly spaced ln t.
            Assert.Equal(1.0, a[i].FrontierVelocity, 1e-12);
            Assert.Equal(TailExponent, a[i].MeasuredLossExponent, 1e-12);
            Assert.Equal(a[i].FrontierVelocity * TailExponent, a[i].PredictedLossExponent, 1e-15);
            Assert.Equal(Eta * 10.0, a[i].StabilityMargin, 1e-15);
        }

        Assert.Contains("kernel velocity 0 ≤ 0.001", a[^1].Reason);
        Assert.Contains("frontier velocity 1 ≥ 0.1", a[^1].Reason);
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(2, 3)]
    [InlineData(3, 4)]
    [InlineData(5, 6)]
    public void StalledLazyRunBecomesLazyStagnantExactlyAfterStagnationProbes(int stagnationProbes, int firstStagnantProbe)
    {
        // Frontier and energy constant from the start, frozen kernel. Probe 1 cannot be stalled (no slope yet), so
        // probe p has p − 1 stalled probes behind it; with MinimumProbes 3 the alert comes at max(3, 1 + N).
        var m = FixedMatrix();
        var tracker = new RegimeTracker(new RegimeThresholds { StagnationProbes = stagnationProbes });
        var a = Run(tracker, Steps.Select(t => new RegimeObservation(t, Eta, 0.2, 1e-3, TailExponent, 10.0, Sketch(m))));

        for (var p = 1; p <= a.Length; p++)
        {
            var expected = p < 3 ? TrainingRegime.WarmingUp
                : p < firstStagnantProbe ? TrainingRegime.LazyProgressing
                : TrainingRegime.LazyStagnant;
            Assert.True(expected == a[p - 1].Regime, $"probe {p}: expected {expected}, got {a[p - 1].Regime} ({a[p - 1].Reason})");
        }

        Assert.Equal(0.0, a[^1].FrontierVelocity);
        Assert.Equal(0.0, a[^1].MeasuredLossExponent);
        Assert.Contains("kernel velocity 0 ≤ 0.001 and frontier velocity 0 < 0.1", a[firstStagnantProbe - 1].Reason);
        Assert.Contains($"for {firstStagnantProbe - 1} probes", a[firstStagnantProbe - 1].Reason);
    }

    [Fact]
    public void LazyRunThatStallsRaisesTheAlertOnlyAfterTheWindowHasLeftTheProgressAndThreeStalledProbes()
    {
        // t = 2^i; λ_f = 1/t and E ∝ t^(−½) up to i = 5, then both frozen. With a window of 4 the frontier velocity is
        // 1 up to i = 5, then the regression over ln λ_f = (−3, −4, −5, −5)·ln 2 gives c = 0.7 at i = 6 and
        // (−4, −5, −5, −5)·ln 2 gives c = 0.3 at i = 7 (both ≥ 0.1, not stalled), and c = 0 from i = 8. Stalled at
        // i = 8, 9, 10 → lazy_stagnant first at i = 10.
        var m = FixedMatrix();
        var tracker = new RegimeTracker();
        var a = new RegimeAssessment[14];
        for (var i = 0; i < a.Length; i++)
        {
            var t = 1L << i;
            var frozen = 1L << Math.Min(i, 5);
            a[i] = tracker.Observe(new RegimeObservation(t, Eta, Math.Pow(frozen, -0.5), 1.0 / frozen, 0.5, 10.0, Sketch(m)));
        }

        Assert.Equal(1.0, a[5].FrontierVelocity, 1e-12);
        Assert.Equal(0.7, a[6].FrontierVelocity, 1e-12);
        Assert.Equal(0.3, a[7].FrontierVelocity, 1e-12);
        Assert.Equal(0.0, a[8].FrontierVelocity);
        for (var i = 2; i < a.Length; i++)
        {
            var expected = i < 10 ? TrainingRegime.LazyProgressing : TrainingRegime.LazyStagnant;
            Assert.True(expected == a[i].Regime, $"i = {i}: expected {expected}, got {a[i].Regime} ({a[i].Reason})");
        }

        Assert.Contains("stalled for 2 of the 3", a[9].Reason);
    }

    [Fact]
    public void RotatingKernelIsFeatureLearningWhileTheSameHistoryWithAFrozenKernelIsLazy()
    {
        // M_t = R(θ) D R(θ)ᵀ with θ = ω ln t: the eigenbasis turns steadily in ln t. Frontier and energy are the lazy
        // closed forms in both runs, so only the kernel can tell them apart.
        const double omega = 0.5;
        var moving = new RegimeTracker();
        var frozen = new RegimeTracker();
        var sketches = Steps.Select(t => Sketch(RotatedMatrix(omega * Math.Log(t)))).ToArray();
        var a = Steps.Select((t, i) => moving.Observe(Lazy(t, sketches[i]))).ToArray();
        var f = Steps.Select(t => frozen.Observe(Lazy(t, Sketch(RotatedMatrix(0.0))))).ToArray();

        Assert.All(a.Skip(2), x => Assert.Equal(TrainingRegime.FeatureLearning, x.Regime));
        Assert.All(f.Skip(2), x => Assert.Equal(TrainingRegime.LazyProgressing, x.Regime));

        var window = new RegimeThresholds().Window;
        for (var i = 1; i < a.Length; i++)
        {
            var s = KernelSketch.Distance(sketches[i - 1], sketches[i]);
            Assert.Equal(s, a[i].KernelDistance);
            Assert.Equal(KernelSketch.Distance(sketches[0], sketches[i]), a[i].KernelDistanceFromFirst);

            // The exact S of this pair is 0.802 sin²(ω Δln t) ≥ 0.09; the k = 8 sketch is an estimate, so only demand it is clearly > 0.
            Assert.True(s > 0.25 * RotatedExactDistance(omega * Math.Log(Steps[i - 1]), omega * Math.Log(Steps[i])), $"S = {s}");

            // Velocity: Σ S / Σ Δln t over the pairs ending inside the window.
            var first = Math.Max(1, i - window + 1);
            double sum = 0, span = 0;
            for (var j = first; j <= i; j++)
            {
                sum += KernelSketch.Distance(sketches[j - 1], sketches[j]);
                span += Math.Log(Steps[j]) - Math.Log(Steps[j - 1]);
            }

            Assert.Equal(sum / span, a[i].KernelVelocity, 1e-14);
        }

        Assert.Contains("> 0.001 per unit ln t", a[^1].Reason);
    }

    [Fact]
    public void SlowlyRotatingKernelBelowTheThresholdStaysLazy()
    {
        // ω = 0.02: exact S per pair ≈ 0.8 (ω Δln t)² ≤ 3e-4, velocity ≲ 2e-4, five times below the 1e-3 threshold, yet > 0.
        var tracker = new RegimeTracker();
        var a = Run(tracker, Steps.Select(t => Lazy(t, Sketch(RotatedMatrix(0.02 * Math.Log(t))))));

        Assert.All(a.Skip(2), x => Assert.Equal(TrainingRegime.LazyProgressing, x.Regime));
        Assert.All(a.Skip(1), x => Assert.InRange(x.KernelVelocity, 1e-12, 0.002));
    }

    [Theory]
    [InlineData(4.0, true)]
    [InlineData(3.98, false)]
    [InlineData(400.0, true)]
    public void StabilityMarginAtOrAboveTheLimitIsUnstable(double lambdaMax, bool unstable)
    {
        // η = 0.5: η·λ_max = 2 exactly at λ_max = 4 (≥ limit), 1.99 just below.
        var m = FixedMatrix();
        var tracker = new RegimeTracker();
        var a = Run(tracker, Steps.Select(t => Lazy(t, Sketch(m), learningRate: 0.5, lambdaMax: lambdaMax)));

        Assert.Equal(0.5 * lambdaMax, a[^1].StabilityMargin);
        Assert.All(a.Skip(2), x => Assert.Equal(unstable ? TrainingRegime.Unstable : TrainingRegime.LazyProgressing, x.Regime));
        if (unstable)
        {
            Assert.Contains($"stability margin η·λ_max = {0.5 * lambdaMax:G3} ≥ 2", a[^1].Reason);
        }
    }

    [Fact]
    public void UnknownLearningRateGivesNoMarginAndNoInstability()
    {
        var tracker = new RegimeTracker();
        var a = Run(tracker, Steps.Select(t => Lazy(t, Sketch(FixedMatrix()), learningRate: null, lambdaMax: 1e6)));

        Assert.All(a, x => Assert.True(double.IsNaN(x.StabilityMargin)));
        Assert.Equal(TrainingRegime.LazyProgressing, a[^1].Regime);
    }

    [Theory]
    [InlineData(1.06, TrainingRegime.Unstable)]
    [InlineData(1.04, TrainingRegime.LazyProgressing)]
    [InlineData(double.NaN, TrainingRegime.Unstable)]
    [InlineData(double.PositiveInfinity, TrainingRegime.Unstable)]
    public void ErrorEnergyGrowingBeyondTheToleranceOrNotFiniteIsUnstable(double factor, TrainingRegime expected)
    {
        // Lazy run; the energy then rises by the factor at two probes in a row, the 6th and the 7th (tolerance 5 %): growth
        // sustained over two window slots, which a single rebound is not (see the next test).
        var m = FixedMatrix();
        var tracker = new RegimeTracker();
        var a = new List<RegimeAssessment>();
        for (var i = 0; i < 5; i++)
        {
            a.Add(tracker.Observe(Lazy(Steps[i], Sketch(m))));
        }

        var previous = Lazy(Steps[4], null).ErrorEnergy;
        var rising = tracker.Observe(Lazy(Steps[5], Sketch(m)) with { ErrorEnergy = previous * factor });
        var last = tracker.Observe(Lazy(Steps[6], Sketch(m)) with { ErrorEnergy = previous * factor * factor });

        Assert.All(a.Skip(2), x => Assert.Equal(TrainingRegime.LazyProgressing, x.Regime));
        Assert.Equal(double.IsFinite(factor) ? TrainingRegime.LazyProgressing : TrainingRegime.Unstable, rising.Regime);
        Assert.Equal(expected, last.Regime);
        Assert.Equal(expected, tracker.Current);
        if (factor == 1.06)
        {
            Assert.Contains("error energy grew by 6 % since the previous probe and stays above the one before by more than the tolerance (5 %)", last.Reason);
        }
        else if (!double.IsFinite(factor))
        {
            Assert.Contains("error energy is", last.Reason);
        }
    }

    [Fact]
    public void OneReboundOfTheErrorEnergyIsNotInstability()
    {
        // A lazy run whose energy jumps by 50 % once, back to no more than it was two probes earlier: noise, not divergence.
        var m = FixedMatrix();
        var tracker = new RegimeTracker();
        for (var i = 0; i < 5; i++)
        {
            tracker.Observe(Lazy(Steps[i], Sketch(m)));
        }

        var before = Lazy(Steps[3], null).ErrorEnergy;
        var rebound = tracker.Observe(Lazy(Steps[5], Sketch(m)) with { ErrorEnergy = before });
        Assert.True(before > 1.5 * Lazy(Steps[4], null).ErrorEnergy, "the rebound must exceed the tolerance against the previous probe");
        Assert.Equal(TrainingRegime.LazyProgressing, rebound.Regime);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void FirstProbesAreWarmingUpEvenWhenUnstable(int minimumProbes)
    {
        var tracker = new RegimeTracker(new RegimeThresholds { MinimumProbes = minimumProbes });
        var a = Run(tracker, Steps.Select(t => Lazy(t, Sketch(FixedMatrix()), learningRate: 1.0, lambdaMax: 3.0)));

        for (var p = 1; p <= a.Length; p++)
        {
            Assert.Equal(p < minimumProbes ? TrainingRegime.WarmingUp : TrainingRegime.Unstable, a[p - 1].Regime);
        }

        if (minimumProbes > 1)
        {
            Assert.Equal($"probe 1 of the {minimumProbes} needed before the regime is judged", a[0].Reason);
            Assert.Equal(3.0, a[0].StabilityMargin); // figures are computed while warming up, only the verdict waits
        }
    }

    [Fact]
    public void CurrentIsWarmingUpBeforeTheFirstProbe()
    {
        var tracker = new RegimeTracker();
        Assert.Equal(TrainingRegime.WarmingUp, tracker.Current);
        Assert.Equal(0, tracker.ProbeCount);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(99)]
    public void StepsThatDoNotIncreaseAreRejectedAndLeaveTheTrackerUnchanged(long badStep)
    {
        var tracker = new RegimeTracker();
        tracker.Observe(Lazy(50, null));
        tracker.Observe(Lazy(100, null));

        var ex = Assert.Throws<ArgumentException>(() => tracker.Observe(Lazy(badStep, null)));
        Assert.Contains($"got step {badStep} after step 100", ex.Message);
        Assert.Equal(2, tracker.ProbeCount);
        Assert.Equal(2, tracker.HistoryLength);

        var next = tracker.Observe(Lazy(200, null));
        Assert.Equal(1.0, next.FrontierVelocity, 1e-12); // the rejected probe did not enter the regression
    }

    [Fact]
    public void InvalidObservationsAreRejected()
    {
        var tracker = new RegimeTracker();
        Assert.Throws<ArgumentNullException>(() => tracker.Observe(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => tracker.Observe(Lazy(0, null)));
        Assert.Throws<ArgumentOutOfRangeException>(() => tracker.Observe(Lazy(10, null) with { ErrorEnergy = -1e-9 }));
        Assert.Equal(0, tracker.ProbeCount);
    }

    [Fact]
    public void WithoutSketchesTheRegimeIsDecidedFromFrontierAndEnergyAndTheReasonSaysSo()
    {
        var lazy = new RegimeTracker();
        var a = Run(lazy, Steps.Select(t => Lazy(t, null)));
        Assert.All(a, x => Assert.True(double.IsNaN(x.KernelDistance) && double.IsNaN(x.KernelDistanceFromFirst) && double.IsNaN(x.KernelVelocity)));
        Assert.All(a.Skip(2), x => Assert.Equal(TrainingRegime.LazyProgressing, x.Regime));
        Assert.Contains("kernel not judged (no kernel sketch at this probe), decided from frontier and energy alone", a[^1].Reason);
        Assert.Equal(1.0, a[^1].FrontierVelocity, 1e-12);

        var stalled = new RegimeTracker();
        var b = Run(stalled, Steps.Select(t => new RegimeObservation(t, Eta, 0.2, 1e-3, TailExponent, 10.0, null)));
        Assert.Equal(TrainingRegime.LazyProgressing, b[2].Regime);
        Assert.Equal(TrainingRegime.LazyStagnant, b[3].Regime);
        Assert.Contains("kernel not judged", b[3].Reason);
        Assert.Contains("frontier velocity 0 < 0.1, loss exponent 0 < 0.1 for 3 probes", b[3].Reason);
    }

    [Fact]
    public void SketchesOnEveryOtherProbeAreComparedAcrossTheGap()
    {
        var sketches = Steps.Select(t => Sketch(RotatedMatrix(0.5 * Math.Log(t)))).ToArray();
        var tracker = new RegimeTracker();
        var a = Steps.Select((t, i) => tracker.Observe(Lazy(t, i % 2 == 0 ? sketches[i] : null))).ToArray();

        Assert.True(double.IsNaN(a[3].KernelDistance));
        Assert.Equal(KernelSketch.Distance(sketches[2], sketches[4]), a[4].KernelDistance);

        // Window of probes 3..6 (0-based): only probe 4 and 6 carry distances, spanning ln t₄ − ln t₂ and ln t₆ − ln t₄.
        var expected = (KernelSketch.Distance(sketches[2], sketches[4]) + KernelSketch.Distance(sketches[4], sketches[6]))
            / (Math.Log(Steps[6]) - Math.Log(Steps[2]));
        Assert.Equal(expected, a[6].KernelVelocity, 1e-14);
        Assert.Equal(TrainingRegime.FeatureLearning, a[6].Regime);
    }

    [Fact]
    public void IncompatibleOrZeroSketchesGiveNaNAndAReasonInsteadOfThrowing()
    {
        var m = FixedMatrix();
        var tracker = new RegimeTracker();
        tracker.Observe(Lazy(Steps[0], Sketch(m)));
        tracker.Observe(Lazy(Steps[1], Sketch(m)));
        var other = tracker.Observe(Lazy(Steps[2], Sketch(m, seed: Seed + 1)));

        Assert.True(double.IsNaN(other.KernelDistance));
        Assert.True(double.IsNaN(other.KernelDistanceFromFirst));
        Assert.Contains("sketch not comparable with the previous sketch", other.Reason);
        Assert.Equal(0.0, other.KernelVelocity); // the earlier comparable pair still counts
        Assert.Equal(TrainingRegime.LazyProgressing, other.Regime);

        // A zero operator on the probe set (e.g. a dead network) makes S undefined.
        var zeroTracker = new RegimeTracker();
        zeroTracker.Observe(Lazy(Steps[0], Sketch(m)));
        zeroTracker.Observe(Lazy(Steps[1], Sketch(m)));
        var zero = zeroTracker.Observe(Lazy(Steps[2], Sketch(new double[Size * Size])));

        Assert.True(double.IsNaN(zero.KernelDistance));
        Assert.True(double.IsNaN(zero.KernelDistanceFromFirst));
        Assert.Contains("all-zero sketch", zero.Reason);
        Assert.Equal(TrainingRegime.LazyProgressing, zero.Regime);
    }

    [Fact]
    public void UndeterminedFrontierFallsBackOnTheEnergyToJudgeAStall()
    {
        var m = FixedMatrix();
        var flat = Run(new RegimeTracker(), Steps.Select(t => new RegimeObservation(t, Eta, 0.2, double.NaN, double.NaN, 10.0, Sketch(m))));
        var falling = Run(new RegimeTracker(), Steps.Select(t => Lazy(t, Sketch(m)) with { FrontierLambda = double.NaN, TailExponent = double.NaN }));

        Assert.Equal(TrainingRegime.LazyStagnant, flat[3].Regime);
        Assert.Contains("frontier undetermined and loss exponent 0 < 0.1 for 3 probes", flat[3].Reason);
        Assert.All(falling.Skip(2), x => Assert.Equal(TrainingRegime.LazyProgressing, x.Regime));
        Assert.All(falling, x => Assert.True(double.IsNaN(x.FrontierVelocity) && double.IsNaN(x.PredictedLossExponent)));
        Assert.Equal(TailExponent, falling[^1].MeasuredLossExponent, 1e-12);
    }

    [Fact]
    public void RegressionsUseOnlyTheWindowAndTheLatestTailExponent()
    {
        // λ_f ∝ t^(−1) for the first 5 probes, then ∝ t^(−0.5) (continuous at t₄); s switches from 0.75 to 1.5.
        // Once the window holds only probes of the second phase, c = 0.5 and γ = 0.75 exactly.
        var tracker = new RegimeTracker(new RegimeThresholds { Window = 3 });
        var t4 = (double)Steps[4];
        var a = Steps.Select((t, i) =>
        {
            var frontier = i <= 4 ? 1.0 / t : 1.0 / t4 * Math.Pow(t / t4, -0.5);
            return tracker.Observe(new RegimeObservation(t, Eta, 1.0 / t, frontier, i <= 4 ? 0.75 : 1.5, 10.0, null));
        }).ToArray();

        Assert.Equal(1.0, a[4].FrontierVelocity, 1e-12);
        Assert.InRange(a[5].FrontierVelocity, 0.5 + 1e-3, 1.0 - 1e-3);
        Assert.Equal(0.5, a[6].FrontierVelocity, 1e-12);
        Assert.Equal(0.75, a[6].PredictedLossExponent, 1e-12);
        Assert.Equal(1.0, a[6].MeasuredLossExponent, 1e-12);
    }

    [Fact]
    public void StateStaysBoundedOverALongRun()
    {
        var tracker = new RegimeTracker();
        RegimeAssessment last = null!;
        for (var t = 1L; t <= 10_000; t++)
        {
            last = tracker.Observe(Lazy(t, null));
            Assert.True(tracker.HistoryLength <= 4);
        }

        Assert.Equal(4, tracker.HistoryLength);
        Assert.Equal(10_000, tracker.ProbeCount);
        Assert.Equal(1.0, last.FrontierVelocity, 1e-9);
        Assert.Equal(TailExponent, last.MeasuredLossExponent, 1e-9);

        // With sketches: only the first and those of the window's records are held, whatever their number.
        var sketches = Enumerable.Range(0, 5).Select(i => Sketch(RotatedMatrix(0.01 * i))).ToArray();
        var sketched = new RegimeTracker();
        for (var i = 0; i < 200; i++)
        {
            sketched.Observe(Lazy(i + 1, sketches[i % sketches.Length]));
            Assert.True(sketched.RetainedSketches <= 5);
            Assert.True(sketched.HistoryLength <= 4);
        }

        // The four slots' sketches and the first: at most five, however many probes.
        Assert.InRange(sketched.RetainedSketches, 2, 5);
    }
}
