using TrainMonitor.Kernel;
using TrainMonitor.Regimes;
using static TrainMonitor.Tests.Regimes.RegimeHistories;

namespace TrainMonitor.Tests.Regimes;

/// <summary>
/// The regime tracker on closed-form histories: lazy gradient descent (exact exponents), kernels that rotate by a known
/// angle, functions that move by a known relative amount, stalls, divergences and overfitting with known onsets.
/// </summary>
public sealed class RegimeTrackerTests
{
    private static readonly RegimeThresholds Defaults = new();

    private static RegimeAssessment[] Run(RegimeTracker tracker, IEnumerable<RegimeObservation> observations) =>
        observations.Select(tracker.Observe).ToArray();

    /// <summary>A lazy probe whose outputs sit at u(ln t): the function moves, the kernel (FixedMatrix) does not.</summary>
    private static RegimeObservation LazyMoving(long step, double[] matrix, double? learningRate = Eta) =>
        Lazy(step, Sketch(matrix, outputs: OutputsAt(Math.Log(step))), learningRate);

    private static void AssertRegimes(RegimeAssessment[] a, Func<int, TrainingRegime> expected)
    {
        for (var i = 0; i < a.Length; i++)
        {
            Assert.True(expected(i) == a[i].Regime, $"probe {i + 1}: expected {expected(i)}, got {a[i].Regime} ({a[i].Reason})");
        }
    }

    [Fact]
    public void Lazy_linear_gradient_descent_recovers_its_exponents_and_is_lazy_progressing_after_warm_up()
    {
        var m = FixedMatrix();
        var tracker = new RegimeTracker();

        // A fresh sketch of the same kernel at every probe (not one shared object), as a real run would capture.
        var a = Run(tracker, Steps.Select(t => LazyMoving(t, m)));

        AssertRegimes(a, i => i < 2 ? TrainingRegime.WarmingUp : TrainingRegime.LazyProgressing);
        Assert.Equal(Steps.Length, tracker.ProbeCount);
        Assert.True(double.IsNaN(a[0].KernelDistance) && double.IsNaN(a[0].OutputChange) && double.IsNaN(a[0].FrontierVelocity));
        for (var i = 1; i < a.Length; i++)
        {
            // Same kernel, same Z: the sketches are bitwise equal, S and the velocity exactly 0.
            Assert.Equal(0.0, a[i].KernelDistance);
            Assert.Equal(0.0, a[i].KernelDistanceFromFirst);
            Assert.Equal(0.0, a[i].KernelVelocity);
            Assert.Equal(OutputChange(Math.Log(Steps[i - 1]), Math.Log(Steps[i])), a[i].OutputChange, 1e-14);

            // λ_f ∝ 1/t and E ∝ t^(−s): the least-squares slopes are exact up to round-off on unevenly spaced ln t.
            Assert.Equal(1.0, a[i].FrontierVelocity, 1e-12);
            Assert.Equal(TailExponent, a[i].MeasuredLossExponent, 1e-12);
            Assert.Equal(a[i].FrontierVelocity * TailExponent, a[i].PredictedLossExponent, 1e-15);
            Assert.Equal(Eta * 10.0, a[i].StabilityMargin, 1e-15);
        }

        Assert.Contains($"tangent kernel frozen (velocity 0 ≤ {Defaults.KernelVelocityThreshold:G3} rad per e-fold of held-out loss)", a[^1].Reason);
        Assert.Contains("frontier velocity 1 ≥ 0.1", a[^1].Reason);
    }

    [Fact]
    public void The_kernel_velocity_is_the_angle_turned_since_the_first_probe_per_e_fold_of_loss_fall_and_decides_feature_learning()
    {
        // K_t = R(θ) D R(θ)ᵀ with θ = ω ln t turns steadily; the same history with a frozen kernel is lazy. The probe loss
        // is the lazy law's E ∝ t^(−s) (ErrorEnergy stands in for it: no ProbeLoss given).
        // ω small enough that the turn from the first probe stays below π/2 (R(θ) D R(θ)ᵀ has period π).
        const double omega = 0.15;
        var sketches = Steps.Select(t => Sketch(RotatedMatrix(omega * Math.Log(t)), outputs: OutputsAt(Math.Log(t)))).ToArray();
        var moving = Run(new RegimeTracker(), Steps.Select((t, i) => Lazy(t, sketches[i])));
        var frozen = Run(new RegimeTracker(), Steps.Select(t => LazyMoving(t, RotatedMatrix(0.0))));

        AssertRegimes(moving, i => i < 2 ? TrainingRegime.WarmingUp : TrainingRegime.FeatureLearning);
        AssertRegimes(frozen, i => i < 2 ? TrainingRegime.WarmingUp : TrainingRegime.LazyProgressing);
        var floor = Math.Log(1 + Defaults.EnergyGrowthTolerance);
        for (var i = 1; i < moving.Length; i++)
        {
            var s = KernelSketch.Distance(sketches[i - 1], sketches[i]);
            Assert.Equal(s, moving[i].KernelDistance);
            var fromFirst = KernelSketch.Distance(sketches[0], sketches[i]);
            Assert.Equal(fromFirst, moving[i].KernelDistanceFromFirst);
            // The exact S of this pair is 0.802 sin²(ω Δln t); the k = 8 sketch estimates it, so only demand it is clearly > 0.
            Assert.True(s > 0.25 * RotatedExactDistance(omega * Math.Log(Steps[i - 1]), omega * Math.Log(Steps[i])), $"S = {s}");

            // arccos(1 − S(first, now)) / max(ln(E_first / E_best), ln(1 + tolerance)), E ∝ t^(−s) falling: E_best = E_now.
            var fall = Math.Max(TailExponent * Math.Log(Steps[i] / (double)Steps[0]), floor);
            Assert.Equal(Math.Acos(1 - fromFirst) / fall, moving[i].KernelVelocity, 1e-12);
            Assert.Equal(0.0, frozen[i].KernelVelocity);
        }

        Assert.Contains("tangent kernel moving: velocity", moving[^1].Reason);
    }

    [Fact]
    public void Feature_learning_is_entered_above_the_threshold_and_left_only_below_half_of_it()
    {
        // The loss falls by e^(−0.1) per probe and the kernel turns away from the first probe at a chosen pace: its angle from
        // the first probe is v·(fall so far) with v about 4×, then 0.7×, then 0.2× the threshold — the last two phases by
        // turning back towards the first kernel, so the cumulative velocity really falls.
        var t = Defaults.KernelVelocityThreshold;
        var steps = Enumerable.Range(1, 40).Select(i => 100L * i).ToArray();
        double Target(int i) => (i < 12 ? 4.0 : i < 26 ? 0.7 : 0.2) * t * Math.Max(0.1 * i, Math.Log(1 + Defaults.EnergyGrowthTolerance));
        // S of RotatedMatrix(0) against RotatedMatrix(θ) is 0.802 sin²θ (exactly; the sketch estimates it): invert for θ.
        double Theta(double angle) => Math.Asin(Math.Sqrt((1 - Math.Cos(angle)) / 0.802));
        var a = Run(new RegimeTracker(), steps.Select((step, i) =>
            new RegimeObservation(step, Eta, Math.Exp(-0.1 * i), double.NaN, double.NaN, 10.0,
                Sketch(RotatedMatrix(Theta(Target(i))), outputs: OutputsAt(i)))));

        // The sketch estimates S, so the velocities land near, not on, the targets; judged where the band edges are ×1.4 away.
        Assert.All(a[3..12], x => Assert.Equal(TrainingRegime.FeatureLearning, x.Regime));
        Assert.All(a[16..26], x => Assert.InRange(x.KernelVelocity, 0.5 * t, t));
        Assert.All(a[16..26], x => Assert.Equal(TrainingRegime.FeatureLearning, x.Regime));
        Assert.All(a[30..], x => Assert.InRange(x.KernelVelocity, 0.0, 0.5 * t));
        Assert.All(a[30..], x => Assert.Equal(TrainingRegime.LazyProgressing, x.Regime));
    }

    [Fact]
    public void A_converged_lazy_run_whose_kernel_still_drifts_stays_lazy()
    {
        // A lazy run: the loss falls tenfold while the kernel turns by 1e-3 rad, then stays put for 30 probes while the kernel
        // keeps drifting by 1e-5 rad per probe. Per e-fold of the loss that is (1e-3 + 3e-4) / ln 10 ≈ 6e-4 rad: lazy. (A
        // rate per probe or per unit ln t would grow without bound while the loss stands still.)
        var steps = Enumerable.Range(1, 40).Select(i => 100L * i).ToArray();
        var a = Run(new RegimeTracker(), steps.Select((step, i) =>
        {
            var fall = Math.Min(i, 10) / 10.0;
            return new RegimeObservation(step, Eta, Math.Pow(10, -fall), double.NaN, double.NaN, 10.0,
                Sketch(RotatedMatrix(i < 10 ? 1e-3 * fall : 1e-3 + 1e-5 * (i - 10)), outputs: OutputsAt(i)));
        }));

        Assert.All(a[2..], x => Assert.True(x.KernelVelocity < 0.1 * Defaults.KernelVelocityThreshold, $"velocity {x.KernelVelocity}"));
        Assert.DoesNotContain(a, x => x.Regime == TrainingRegime.FeatureLearning);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Outputs_that_stop_moving_are_a_stall_after_FrozenProbes_probes_whatever_the_step(int frozenProbes)
    {
        // Probes every 100 steps; learning (E falling, outputs moving, rate 0.1) until step 1000, then the rate is cut to
        // 1e-7 and nothing moves any more.
        var m = FixedMatrix();
        var tracker = new RegimeTracker(new RegimeThresholds { FrozenProbes = frozenProbes });
        var steps = Enumerable.Range(1, 20).Select(i => 100L * i).ToArray();
        var a = Run(tracker, steps.Select(t =>
        {
            var learning = Math.Min(t, 1000);
            return new RegimeObservation(t, t <= 1000 ? 0.1 : 1e-7, 3.0 * Math.Pow(learning, -0.5), 1.0 / learning, 0.5, 10.0,
                Sketch(m, outputs: OutputsAt(Math.Log(learning)))) { FrozenKernelHalfLife = t <= 1000 ? 500 : 2e6 };
        }));

        var onset = Array.IndexOf(steps, 1000L);
        AssertRegimes(a, i => i < 2 ? TrainingRegime.WarmingUp : i < onset + frozenProbes ? TrainingRegime.LazyProgressing : TrainingRegime.LazyStagnant);
        var alert = a[onset + frozenProbes].Reason;
        Assert.StartsWith($"learning stopped: the model's outputs on the probe set stand still since step 1000 ({(frozenProbes == 1 ? "1 probe" : $"{frozenProbes} probes")}): they moved by 0 (relative) in the 100 steps", alert);
        Assert.Contains("the learning rate 1E-07 is 1E-06 of its largest in this run (0.1)", alert);
        Assert.Contains("the frozen kernel would need about 2E+06 more steps to halve the error energy", alert);
    }

    [Fact]
    public void Late_in_a_long_run_a_residual_drift_counts_as_frozen_against_the_speed_the_outputs_had()
    {
        // At t = 10⁵ probes 100 steps apart are 0.001 apart in ln t. The outputs move by 0.01 per probe, then by 5e-6: per
        // unit ln t that is still 5e-3 (above FrozenOutputSpeed), but per step 5e-4 of what it was (below FrozenOutputFraction).
        var m = FixedMatrix();
        var tracker = new RegimeTracker();
        var steps = Enumerable.Range(0, 20).Select(i => 100_000L + 100L * i).ToArray();
        double c = 0;
        var a = Run(tracker, steps.Select((t, i) =>
        {
            c += i == 0 ? 0 : i < 10 ? 0.01 : 5e-6;
            return Lazy(t, Sketch(m, outputs: OutputsAt(c))) with { ErrorEnergy = i == 0 ? 1.0 : 0.5 }; // it had learned
        }));

        Assert.True(a[12].OutputChange / (Math.Log(steps[12]) - Math.Log(steps[11])) > Defaults.FrozenOutputSpeed, "the per-ln-t criterion alone would miss it");
        Assert.Equal(TrainingRegime.LazyProgressing, a[9].Regime);
        Assert.Equal(TrainingRegime.LazyStagnant, a[11].Regime);
        Assert.Contains("stand still since step 100900", a[11].Reason);
    }

    [Fact]
    public void A_stall_before_the_error_ever_fell_is_not_learning_and_after_it_fell_lazy_stagnant()
    {
        var m = FixedMatrix();
        var steps = Enumerable.Range(1, 10).Select(i => 50L * i).ToArray();

        // A dead network: the outputs settle after the first interval and the error stays at its first value (within 2 %).
        var dead = Run(new RegimeTracker(), steps.Select((t, i) =>
            new RegimeObservation(t, 0.1, 5.3 - (i == 0 ? 0 : 0.1), double.NaN, double.NaN, 1.0, Sketch(m, outputs: OutputsAt(i == 0 ? 0 : 0.3)))));
        Assert.Equal(TrainingRegime.NotLearning, dead[3].Regime);
        Assert.StartsWith("not learning: the held-out loss 5.2 never fell 10 % below the first probe's (5.3 at step 50), the tangent kernel never moved, " +
            "and the model's outputs on the probe set stand still since step 100", dead[3].Reason);
        Assert.True(dead[3].Regime.IsAlert());

        // The same stall after the error fell by a third is lazy_stagnant.
        var learned = Run(new RegimeTracker(), steps.Select((t, i) =>
            new RegimeObservation(t, 0.1, i == 0 ? 5.3 : 3.5, double.NaN, double.NaN, 1.0, Sketch(m, outputs: OutputsAt(i == 0 ? 0 : 0.3)))));
        Assert.Equal(TrainingRegime.LazyStagnant, learned[3].Regime);
    }

    [Fact]
    public void A_lazy_run_whose_progress_dies_out_is_lazy_stagnant_after_StagnationProbes_slow_probes()
    {
        // t = 2^i; λ_f = 1/t and E ∝ t^(−½) up to i = 5, then both constant while the outputs still wander (so the frozen-output
        // rule does not apply). Window 4: c = 0.7 at i = 6, 0.3 at i = 7 (not stalled), 0 from i = 8 → alert at i = 10.
        var m = FixedMatrix();
        var a = new RegimeAssessment[14];
        var tracker = new RegimeTracker();
        for (var i = 0; i < a.Length; i++)
        {
            var t = 1L << i;
            var frozen = 1L << Math.Min(i, 5);
            a[i] = tracker.Observe(new RegimeObservation(t, Eta, Math.Pow(frozen, -0.5), 1.0 / frozen, 0.5, 10.0, Sketch(m, outputs: OutputsAt(i))));
        }

        Assert.Equal(0.7, a[6].FrontierVelocity, 1e-12);
        Assert.Equal(0.3, a[7].FrontierVelocity, 1e-12);
        Assert.Equal(0.0, a[8].FrontierVelocity);
        AssertRegimes(a[2..], i => i + 2 < 10 ? TrainingRegime.LazyProgressing : TrainingRegime.LazyStagnant);
        Assert.Contains("stalled for 2 of the 3", a[9].Reason);
        Assert.StartsWith("learning stopped: tangent kernel frozen", a[10].Reason);
    }

    [Fact]
    public void An_error_that_falls_linearly_in_t_has_a_small_growing_exponent_and_is_not_a_stall()
    {
        // E = 1 − t/20000: −d ln E/d ln t = t/(20000 − t) starts at 5e-4, far below 0.1, but grows: a run getting going.
        var m = FixedMatrix();
        var a = Run(new RegimeTracker(), Steps.Select(t =>
            new RegimeObservation(t, Eta, 1.0 - t / 20_000.0, double.NaN, double.NaN, 10.0, Sketch(m, outputs: OutputsAt(Math.Log(t))))));

        Assert.True(a[4].MeasuredLossExponent < Defaults.EnergyStallExponent);
        AssertRegimes(a, i => i < 2 ? TrainingRegime.WarmingUp : TrainingRegime.LazyProgressing);
    }

    /// <summary>
    /// A healthy noisy run: E falls slowly with ±25 % alternating noise, probes every 50 steps, training loss falling. Then,
    /// from probe <paramref name="onset"/>, <paramref name="after"/> rewrites (E, training loss).
    /// </summary>
    private static RegimeAssessment[] Noisy(int probes, int onset, Func<int, double, double, (double Energy, double Loss)> after, double? learningRate = 0.1)
    {
        var tracker = new RegimeTracker();
        return [.. Enumerable.Range(0, probes).Select(i =>
        {
            var t = 50L * (i + 1);
            var energy = 0.5 * Math.Pow(t, -0.2) * (i % 2 == 0 ? 1.25 : 0.8);
            var loss = 0.4 * Math.Pow(t, -0.3);
            if (i >= onset)
            {
                (energy, loss) = after(i - onset, energy, loss);
            }

            return tracker.Observe(new RegimeObservation(t, learningRate, energy, double.NaN, double.NaN, 10.0, Sketch(RotatedMatrix(0.05 * i), outputs: OutputsAt(0.2 * i)))
            {
                TrainingLoss = loss,
            });
        })];
    }

    [Fact]
    public void Probe_to_probe_noise_of_the_held_out_error_raises_no_alert()
    {
        var a = Noisy(40, onset: 40, (_, e, l) => (e, l));
        Assert.DoesNotContain(a, x => x.Regime.IsAlert());
    }

    [Fact]
    public void A_divergence_is_unstable_at_the_first_probe_that_sees_it_and_held_until_the_error_is_back()
    {
        // From probe 20 the error jumps to 40× and the training loss to 100×; from probe 30 both are back to their levels.
        var a = Noisy(40, onset: 20, (k, e, l) => k < 10 ? (e * 40 * (k % 2 == 0 ? 1.0 : 0.5), l * 100) : (e, l));

        AssertRegimes(a[2..], i => i + 2 is >= 20 and < 30 ? TrainingRegime.Unstable : TrainingRegime.FeatureLearning);
        Assert.StartsWith("diverging: held-out loss", a[20].Reason);
        Assert.Contains("and the training loss rose to", a[20].Reason);
        Assert.StartsWith("unstable since step 1050: held-out loss", a[25].Reason);
        Assert.Contains("held until it is back within ×", a[25].Reason);
        Assert.Contains("recovered from the divergence of step 1050", a[30].Reason);
    }

    [Fact]
    public void A_held_out_error_that_rises_while_the_training_loss_falls_is_overfitting_not_instability()
    {
        // From probe 15 the held-out error grows 12 % per probe while the training loss keeps falling 10 % per probe.
        var a = Noisy(40, onset: 15, (k, e, l) => (e * Math.Pow(1.12, k + 1), l * Math.Pow(0.9, k + 1)));

        Assert.DoesNotContain(a, x => x.Regime == TrainingRegime.Unstable);
        var first = Array.FindIndex(a, x => x.Regime == TrainingRegime.Overfitting);
        Assert.InRange(first, 16, 26);
        Assert.All(a[first..], x => Assert.Equal(TrainingRegime.Overfitting, x.Regime));
        Assert.StartsWith("overfitting: held-out loss", a[first].Reason);
        Assert.Contains("the training loss", a[first].Reason);
    }

    [Fact]
    public void A_generalization_gap_that_widened_is_overfitting_on_a_log_spaced_schedule_too()
    {
        // Log-spaced probes 1…1024: the probe loss falls to 0.6 at step 128, then stands 7 %, 18 % and 29 % above it while
        // the training loss falls 5-, 20- and 70-fold: the noise yardstick of so few, so different probes is wide, but the gap
        // widened. Overfitting from the second probe above the best (two in a row), naming the gap.
        var m = FixedMatrix();
        double[] loss = [2.3, 2.3, 2.2, 2.1, 1.9, 1.2, 0.7, 0.6, 0.642, 0.708, 0.774];
        double[] training = [2.3, 2.3, 2.2, 2.0, 1.7, 0.9, 0.25, 0.016, 0.0032, 0.0008, 0.00023];
        var a = Run(new RegimeTracker(), loss.Select((l, i) =>
            new RegimeObservation(1L << i, Eta, 2 * l, double.NaN, double.NaN, 10.0, Sketch(RotatedMatrix(0.05 * i), outputs: OutputsAt(i)))
            {
                ProbeLoss = l,
                TrainingLoss = training[i],
            }));

        Assert.NotEqual(TrainingRegime.Overfitting, a[8].Regime);
        Assert.Equal(TrainingRegime.Overfitting, a[9].Regime);
        Assert.Equal(TrainingRegime.Overfitting, a[10].Regime);
        Assert.StartsWith("overfitting: held-out loss 0.708 is 1.18× its best (0.6 at step 128), above it by more than 5 % at two probes in a row", a[9].Reason);
        Assert.Contains("the generalization gap widened", a[9].Reason);
    }

    [Fact]
    public void Without_a_training_loss_a_rising_held_out_error_is_reported_unstable_and_says_why()
    {
        var m = FixedMatrix();
        var tracker = new RegimeTracker();
        var a = Run(tracker, Enumerable.Range(0, 20).Select(i =>
            new RegimeObservation(50L * (i + 1), 0.1, i < 10 ? 1.0 / (i + 1) : 0.1 * Math.Pow(1.3, i - 9), double.NaN, double.NaN, 1.0,
                Sketch(RotatedMatrix(0.05 * i), outputs: OutputsAt(0.2 * i)))));

        var first = Array.FindIndex(a, x => x.Regime == TrainingRegime.Unstable);
        Assert.InRange(first, 10, 13);
        Assert.Contains("no training loss was passed to OnStep", a[first].Reason);
    }

    [Fact]
    public void A_non_finite_error_energy_is_unstable_at_once_even_while_warming_up_and_held_until_finite_and_back()
    {
        var m = FixedMatrix();
        var tracker = new RegimeTracker();
        var first = tracker.Observe(Lazy(10, Sketch(m)) with { ErrorEnergy = double.PositiveInfinity });
        Assert.Equal(TrainingRegime.Unstable, first.Regime);
        Assert.Contains("not finite: the run diverged", first.Reason);

        var nan = Run(new RegimeTracker(), Steps.Select((t, i) => LazyMoving(t, m) with { ErrorEnergy = i is 4 or 5 ? double.NaN : Lazy(t, null).ErrorEnergy }));
        Assert.Equal(TrainingRegime.Unstable, nan[4].Regime);
        Assert.Equal(TrainingRegime.Unstable, nan[5].Regime);
        Assert.Contains("unstable since step 200", nan[5].Reason);
        Assert.Equal(TrainingRegime.LazyProgressing, nan[6].Regime); // the lazy law's energy is below its level before
    }

    [Theory]
    [InlineData(true, 4.0, true)]
    [InlineData(true, 3.98, false)]
    [InlineData(false, 400.0, false)]
    public void The_stability_margin_raises_unstable_only_where_it_is_the_losss_curvature(bool applies, double lambdaMax, bool unstable)
    {
        // η = 0.5: η·λ_max = 2 exactly at λ_max = 4 (≥ limit), 1.99 just below. For cross-entropy (applies = false) the
        // surprisals' J Jᵀ is not the loss's curvature: reported, never judged.
        var m = FixedMatrix();
        var a = Run(new RegimeTracker(), Steps.Select(t =>
            LazyMoving(t, m, learningRate: 0.5) with { LambdaMax = lambdaMax, StabilityMarginApplies = applies }));

        Assert.Equal(0.5 * lambdaMax, a[^1].StabilityMargin);
        Assert.All(a.Skip(2), x => Assert.Equal(unstable ? TrainingRegime.Unstable : TrainingRegime.LazyProgressing, x.Regime));
        if (unstable)
        {
            Assert.Contains($"stability margin η·λ_max = {0.5 * lambdaMax:G3} ≥ 2", a[^1].Reason);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void The_first_probes_are_warming_up_and_their_figures_are_computed_anyway(int minimumProbes)
    {
        var tracker = new RegimeTracker(new RegimeThresholds { MinimumProbes = minimumProbes });
        var a = Run(tracker, Steps.Select(t => LazyMoving(t, FixedMatrix(), learningRate: 1.0) with { LambdaMax = 3.0 }));

        AssertRegimes(a, i => i + 1 < minimumProbes ? TrainingRegime.WarmingUp : TrainingRegime.Unstable);
        if (minimumProbes > 1)
        {
            Assert.Equal($"probe 1 of the {minimumProbes} needed before the regime is judged", a[0].Reason);
            Assert.Equal(3.0, a[0].StabilityMargin);
        }
    }

    [Fact]
    public void Current_is_warming_up_before_the_first_probe()
    {
        var tracker = new RegimeTracker();
        Assert.Equal(TrainingRegime.WarmingUp, tracker.Current);
        Assert.Equal(0, tracker.ProbeCount);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(99)]
    public void Steps_that_do_not_increase_are_rejected_and_leave_the_tracker_unchanged(long badStep)
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
    public void Invalid_observations_are_rejected()
    {
        var tracker = new RegimeTracker();
        Assert.Throws<ArgumentNullException>(() => tracker.Observe(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => tracker.Observe(Lazy(0, null)));
        Assert.Throws<ArgumentOutOfRangeException>(() => tracker.Observe(Lazy(10, null) with { ErrorEnergy = -1e-9 }));
        Assert.Equal(0, tracker.ProbeCount);
    }

    [Fact]
    public void Without_sketches_the_regime_is_decided_from_frontier_and_energy_and_the_reason_says_so()
    {
        var a = Run(new RegimeTracker(), Steps.Select(t => Lazy(t, null)));
        Assert.All(a, x => Assert.True(double.IsNaN(x.KernelDistance) && double.IsNaN(x.KernelVelocity) && double.IsNaN(x.OutputChange)));
        AssertRegimes(a, i => i < 2 ? TrainingRegime.WarmingUp : TrainingRegime.LazyProgressing);
        Assert.Contains("kernel not judged (no kernel sketch at this probe), decided from frontier and energy alone", a[^1].Reason);
    }

    [Fact]
    public void Sketches_on_every_other_probe_are_compared_across_the_gap()
    {
        var sketches = Steps.Select(t => Sketch(RotatedMatrix(0.5 * Math.Log(t)), outputs: OutputsAt(Math.Log(t)))).ToArray();
        var a = Run(new RegimeTracker(), Steps.Select((t, i) => Lazy(t, i % 2 == 0 ? sketches[i] : null)));

        Assert.True(double.IsNaN(a[3].KernelDistance));
        Assert.Equal(KernelSketch.Distance(sketches[2], sketches[4]), a[4].KernelDistance);
        Assert.Equal(OutputChange(Math.Log(Steps[2]), Math.Log(Steps[4])), a[4].OutputChange, 1e-14);
        Assert.Equal(TrainingRegime.FeatureLearning, a[6].Regime);
    }

    [Fact]
    public void Incompatible_or_zero_sketches_give_NaN_and_a_reason_instead_of_throwing()
    {
        var m = FixedMatrix();
        var tracker = new RegimeTracker();
        tracker.Observe(LazyMoving(Steps[0], m));
        tracker.Observe(LazyMoving(Steps[1], m));
        var other = tracker.Observe(Lazy(Steps[2], Sketch(m, seed: Seed + 1, outputs: OutputsAt(3))));

        Assert.True(double.IsNaN(other.KernelDistance));
        Assert.True(double.IsNaN(other.KernelDistanceFromFirst));
        Assert.True(double.IsNaN(other.OutputChange));
        Assert.Contains("sketch not comparable with the previous sketch", other.Reason);
        Assert.True(double.IsNaN(other.KernelVelocity)); // not comparable with the first sketch: the kernel is not judged at this probe
        Assert.Equal(TrainingRegime.LazyProgressing, other.Regime);

        var zeroTracker = new RegimeTracker();
        zeroTracker.Observe(LazyMoving(Steps[0], m));
        zeroTracker.Observe(LazyMoving(Steps[1], m));
        var zero = zeroTracker.Observe(Lazy(Steps[2], Sketch(new double[Size * Size], outputs: OutputsAt(3))));
        Assert.True(double.IsNaN(zero.KernelDistance));
        Assert.Contains("all-zero sketch", zero.Reason);
        Assert.Equal(TrainingRegime.LazyProgressing, zero.Regime);
    }

    [Fact]
    public void An_undetermined_frontier_falls_back_on_the_energy_to_judge_a_slow_stall()
    {
        var m = FixedMatrix();
        var falling = Run(new RegimeTracker(), Steps.Select(t => LazyMoving(t, m) with { FrontierLambda = double.NaN, TailExponent = double.NaN }));
        AssertRegimes(falling, i => i < 2 ? TrainingRegime.WarmingUp : TrainingRegime.LazyProgressing);
        Assert.All(falling, x => Assert.True(double.IsNaN(x.FrontierVelocity) && double.IsNaN(x.PredictedLossExponent)));
        Assert.Equal(TailExponent, falling[^1].MeasuredLossExponent, 1e-12);
        Assert.Contains("frontier undetermined and loss exponent 0.75 ≥ 0.1", falling[^1].Reason);
    }

    [Fact]
    public void Regressions_use_only_the_window_and_the_latest_tail_exponent()
    {
        // λ_f ∝ t^(−1) for the first 5 probes, then ∝ t^(−0.5) (continuous at t₄); s switches from 0.75 to 1.5.
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
    public void State_stays_bounded_over_a_long_run()
    {
        var capacity = Math.Max(Defaults.Window, Defaults.NoiseWindow) + 1;
        var tracker = new RegimeTracker();
        RegimeAssessment last = null!;
        for (var t = 1L; t <= 10_000; t++)
        {
            last = tracker.Observe(Lazy(t, null));
            Assert.True(tracker.HistoryLength <= capacity);
        }

        Assert.Equal(capacity, tracker.HistoryLength);
        Assert.Equal(10_000, tracker.ProbeCount);
        Assert.Equal(1.0, last.FrontierVelocity, 1e-9);
        Assert.Equal(TailExponent, last.MeasuredLossExponent, 1e-9);

        var sketches = Enumerable.Range(0, 5).Select(i => Sketch(RotatedMatrix(0.01 * i), outputs: OutputsAt(i))).ToArray();
        var sketched = new RegimeTracker();
        for (var i = 0; i < 200; i++)
        {
            sketched.Observe(Lazy(i + 1, sketches[i % sketches.Length]));
            Assert.True(sketched.RetainedSketches <= capacity + 1);
        }
    }
}
