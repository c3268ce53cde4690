using TrainMonitor.Regimes;
using Xunit;

namespace TrainMonitor.Tests.Regimes;

/// <summary>The transport fraction as a second, kernel-free feature-learning signal of the regime tracker.</summary>
public sealed class TransportSignalTests
{
    private static RegimeAssessment[] Observe(RegimeThresholds thresholds, Func<int, double> transport)
    {
        var tracker = new RegimeTracker(thresholds);
        return [.. RegimeHistories.Steps.Select((step, i) => tracker.Observe(RegimeHistories.Lazy(step, sketch: null) with { TransportFraction = transport(i) }))];
    }

    [Fact]
    public void Off_by_default_so_a_held_out_probes_large_fraction_does_not_make_a_run_feature_learning()
    {
        var assessments = Observe(new RegimeThresholds(), _ => 0.9);

        Assert.DoesNotContain(assessments, a => a.Regime == TrainingRegime.FeatureLearning);
        Assert.DoesNotContain(assessments, a => a.Reason.Contains("transport", StringComparison.Ordinal));
    }

    [Fact]
    public void On_a_median_above_the_threshold_is_feature_learning_without_any_kernel_sketch()
    {
        var assessments = Observe(new RegimeThresholds { UseTransport = true }, _ => 0.2);

        var judged = assessments.Skip(new RegimeThresholds().MinimumProbes).ToArray();
        Assert.All(judged, a => Assert.Equal(TrainingRegime.FeatureLearning, a.Regime));
        Assert.All(judged, a => Assert.StartsWith("transport fraction 0.2 > 0.06", a.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void On_one_spike_among_small_fractions_stays_lazy_and_the_reason_says_why()
    {
        // A converged lazy run: a tiny error energy makes one interval's fraction large; the window's median is not.
        var assessments = Observe(new RegimeThresholds { UseTransport = true }, i => i == 6 ? 0.5 : 0.01);

        var judged = assessments.Skip(new RegimeThresholds().MinimumProbes).ToArray();
        Assert.DoesNotContain(judged, a => a.Regime == TrainingRegime.FeatureLearning);
        Assert.All(judged, a => Assert.Contains("transport fraction 0.01 ≤ 0.06", a.Reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.1)]
    [InlineData(double.PositiveInfinity)]
    public void A_threshold_that_is_not_a_finite_non_negative_fraction_is_rejected_naming_it(double threshold)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new RegimeThresholds { TransportThreshold = threshold }.Validate());
        Assert.Contains(nameof(RegimeThresholds.TransportThreshold), ex.Message, StringComparison.Ordinal);
    }
}
