using TrainMonitor.Checkpoints;
using TrainMonitor.Outputs;
using TrainMonitor.Regimes;

namespace TrainMonitor.Tests.Checkpoints;

/// <summary>The frontier's displacement from hand-made probes whose frontier is λ_f = C/t: every number known in closed form.</summary>
public sealed class DisplacementMeasurementTests
{
    private const double C = 100;

    /// <summary>Relative round-off of a difference of two logarithms of numbers in [1e-2, 1e2]: a few ulps of |ln| ≤ 5.</summary>
    private const double LogRoundOff = 1e-14;

    [Fact]
    public void IntervalsRatiosCertifiedEndsAndSlopeOfAFrontierMovingAsOneOverT()
    {
        // Quantile bracket [λ/1.1, 1.2 λ], +∞ above at step 80; the fit's frontier 2C/t. Step 30 failed and step 160's
        // quantile is undetermined (its fit is not): both are left out of the quantile's slope, and 30 of the intervals.
        var probes = new[]
        {
            Probe(40, Snapshot(40, C / 40, C / 40 / 1.1, C / 40 * 1.2, 2 * C / 40)),
            Probe(10, Snapshot(10, C / 10, C / 10 / 1.1, C / 10 * 1.2, 2 * C / 10)),
            Probe(30, null),
            Probe(160, Snapshot(160, double.NaN, double.NaN, double.NaN, 2 * C / 160, reason: "all error energy lies below the null floor")),
            Probe(80, Snapshot(80, C / 80, C / 80 / 1.1, double.PositiveInfinity, double.NaN, fitReason: "fit R² 0.5 below 0.9")),
            Probe(20, Snapshot(20, C / 20, C / 20 / 1.1, C / 20 * 1.2, 2 * C / 20)),
        };

        var series = DisplacementMeasurement.Of(8, probes);

        Assert.Equal(8, series.LanczosSteps);
        Assert.Equal([(10L, 20L), (20L, 40L), (40L, 80L), (80L, 160L)], series.Intervals.Select(i => (i.FromStep, i.ToStep)));
        foreach (var interval in series.Intervals)
        {
            Assert.Equal(Math.Log(2), interval.DeltaLogStep, LogRoundOff);
        }

        foreach (var interval in series.Intervals.Take(3))
        {
            Assert.Equal(-Math.Log(2), interval.DeltaLogLambda, LogRoundOff);
            Assert.Equal(-1, interval.Ratio, LogRoundOff);
            // Certified ends: ln(lower at t₂) − ln(upper at t₁) and ln(upper at t₂) − ln(lower at t₁).
            Assert.Equal(Math.Log(C / interval.ToStep / 1.1) - Math.Log(C / interval.FromStep * 1.2), interval.DeltaLogLambdaLower, LogRoundOff);
        }

        Assert.Equal(-Math.Log(2) - Math.Log(1.1) - Math.Log(1.2), series.Intervals[0].DeltaLogLambdaLower, LogRoundOff);
        Assert.Equal(-Math.Log(2) + Math.Log(1.2) + Math.Log(1.1), series.Intervals[0].DeltaLogLambdaUpper, LogRoundOff);
        Assert.Equal(double.PositiveInfinity, series.Intervals[2].DeltaLogLambdaUpper);
        Assert.True(double.IsNaN(series.Intervals[3].DeltaLogLambda) && double.IsNaN(series.Intervals[3].DeltaLogLambdaLower)
            && double.IsNaN(series.Intervals[3].DeltaLogLambdaUpper) && double.IsNaN(series.Intervals[3].Ratio));

        // The fit's frontier: determined at 10, 20, 40 and 160, not at 80.
        Assert.Equal(-1, series.Intervals[0].FitRatio, LogRoundOff);
        Assert.True(double.IsNaN(series.Intervals[2].FitRatio) && double.IsNaN(series.Intervals[3].FitRatio));

        Assert.Equal(-1, series.Slope, LogRoundOff);
        Assert.Equal(4, series.SlopeCheckpoints);
        Assert.Equal(-1, series.FitSlope, LogRoundOff);
        Assert.Equal(4, series.FitSlopeCheckpoints);
    }

    [Fact]
    public void AnUpperEndOfInfinityAtTheEarlierProbeMakesTheLowerEndMinusInfinity()
    {
        var series = DisplacementMeasurement.Of(4, [Probe(10, Snapshot(10, 10, 9, double.PositiveInfinity, double.NaN)), Probe(20, Snapshot(20, 5, 4, 6, double.NaN))]);

        var interval = Assert.Single(series.Intervals);
        Assert.Equal(double.NegativeInfinity, interval.DeltaLogLambdaLower);
        Assert.Equal(Math.Log(6.0 / 9.0), interval.DeltaLogLambdaUpper, LogRoundOff);
        Assert.True(double.IsNaN(series.FitSlope));
        Assert.Equal(0, series.FitSlopeCheckpoints);
    }

    [Fact]
    public void TheLeastSquaresSlopeIsThatOfTheLineThroughUnevenPoints()
    {
        // ln λ = 3 − 0.7 ln t + δ with δ = (+0.1, −0.2, +0.1) at t = 1, 100, 10⁴ (ln t evenly spaced): δ is orthogonal to ln t − mean, so the
        // least-squares slope is exactly −0.7.
        var points = new (long, double)[] { (1, Math.Exp(3 + 0.1)), (100, Math.Exp(3 - (0.7 * Math.Log(100)) - 0.2)), (10_000, Math.Exp(3 - (0.7 * Math.Log(10_000)) + 0.1)) };

        var (slope, used) = DisplacementMeasurement.LogLogSlope(points);

        Assert.Equal(-0.7, slope, LogRoundOff * 10);
        Assert.Equal(3, used);
        Assert.True(double.IsNaN(DisplacementMeasurement.LogLogSlope([(5, 1.0)]).Slope));
    }

    private static CheckpointProbe Probe(long step, ProbeSnapshot? snapshot) => new()
    {
        Checkpoint = new Checkpoint(step, $"step-{step}.pt"),
        LanczosSteps = 8,
        Snapshot = snapshot,
        Failure = snapshot is null ? "InvalidOperationException: failed" : null,
        Batches = 1,
    };

    private static ProbeSnapshot Snapshot(long step, double lambda, double lower, double upper, double fitLambda, string? reason = null, string? fitReason = null) => new()
    {
        Run = "hand",
        Step = step,
        Timestamp = DateTimeOffset.UnixEpoch,
        ProbeIndex = 1,
        ErrorEnergy = 1,
        NullEnergy = 0,
        NullFloor = 1e-10,
        ShellRatio = 2,
        Shells = [],
        Frontier = new FrontierSnapshot(lambda, lower, upper, 0.5, reason,
            new FrontierFitSnapshot(fitLambda, 1, 0, 0.99, 6, 0, double.IsNaN(fitLambda) ? fitReason ?? "undetermined" : null)),
        SpectralPosition = 1,
        LambdaMax = 10,
        Assessment = new RegimeAssessment { Regime = TrainingRegime.WarmingUp, Reason = "hand-made" },
        ProbeDurationSeconds = 0,
        OperatorApplications = 0,
        LanczosSteps = 8,
        ErrorEntries = 1,
    };
}
