using Microsoft.Extensions.Logging;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.Logging;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using TrainMonitor.Shells;
using TrainMonitor.Tests.JsonLines;

namespace TrainMonitor.Tests.Logging;

public sealed class LoggingSinkTests
{
    private static readonly DateTimeOffset T = new(2025, 3, 14, 9, 0, 0, TimeSpan.Zero);

    private static async Task<CapturedLogEvent> LogOne(MonitorEvent e)
    {
        var logger = new CapturingLogger<LoggingSink>();
        var sink = new LoggingSink(logger);
        await sink.WriteAsync(e, default);

        // A probe that fell back also logs ProbeFellBack the first time; these tests look at the other event.
        return Assert.Single(logger.Events, x => x.EventId.Id != LoggingSink.ProbeFellBackEventId);
    }

    [Fact]
    public async Task ACompletedProbeIsOneInformationEventWithTheSnapshotFiguresAsProperties()
    {
        var s = SampleSnapshots.Complete(7);

        var e = await LogOne(new ProbeCompleted(s));

        Assert.Equal(LogLevel.Information, e.Level);
        Assert.Equal(new EventId(4100, "ProbeCompleted"), e.EventId);
        Assert.Equal("ProbeCompleted", e.EventId.Name);
        Assert.Equal(
            [
                "ProbeIndex", "Run", "Step", "ErrorEnergy", "ProbeLoss", "NullEnergy", "FrontierLambda", "FrontierLower", "FrontierUpper",
                "FrontierEnergyFraction", "FrontierStatus", "FrontierVelocity", "FitLambda", "TailExponent", "FrontierR2", "FitStatus", "OutlierEnergy", "PredictedLossExponent", "LambdaMax", "StabilityMargin", "SpectralPosition", "KernelDistance", "OutputChange", "TransportFraction", "Regime",
                "OperatorApplications", "ProbeDurationSeconds", "ProbeMethods", "ProbeMethodRequested", "ProbeFallbackReason",
            ],
            e.PropertyNames.OrderBy(TemplateOrder(e.Template)));
        Assert.Equal(s.Run, e["Run"]);
        Assert.Equal(s.Step, e["Step"]);
        Assert.Equal(s.ProbeIndex, e["ProbeIndex"]);
        Assert.Equal(s.ErrorEnergy, e["ErrorEnergy"]);
        Assert.Equal(s.ProbeLoss, e["ProbeLoss"]);
        Assert.Equal(s.NullEnergy, e["NullEnergy"]);
        Assert.Equal(s.Frontier.Lambda, e["FrontierLambda"]);
        Assert.Equal(s.Frontier.LambdaLower, e["FrontierLower"]);
        Assert.Equal(s.Frontier.LambdaUpper, e["FrontierUpper"]);
        Assert.Equal(s.Frontier.EnergyFraction, e["FrontierEnergyFraction"]);
        Assert.Equal("determined", e["FrontierStatus"]);
        Assert.Equal(s.Frontier.Fit.Lambda, e["FitLambda"]);
        Assert.Equal(s.Frontier.Fit.TailExponent, e["TailExponent"]);
        Assert.Equal(s.Frontier.Fit.R2, e["FrontierR2"]);
        Assert.Equal("determined", e["FitStatus"]);
        Assert.Equal(s.Frontier.Fit.OutlierEnergy, e["OutlierEnergy"]);
        Assert.Equal(s.Assessment.FrontierVelocity, e["FrontierVelocity"]);
        Assert.Equal(s.Assessment.PredictedLossExponent, e["PredictedLossExponent"]);
        Assert.Equal(s.LambdaMax, e["LambdaMax"]);
        Assert.Equal(s.Assessment.StabilityMargin, e["StabilityMargin"]);
        Assert.Equal(s.SpectralPosition, e["SpectralPosition"]);
        Assert.Equal(s.Assessment.KernelDistance, e["KernelDistance"]);
        Assert.Equal(s.Assessment.OutputChange, e["OutputChange"]);
        Assert.Contains("kernel distance 0.012, output change 0.0375, transport fraction 0.125,", e.Message);
        Assert.Equal(s.Transport!.TransportFraction, e["TransportFraction"]);
        Assert.Equal("feature_learning", e["Regime"]);
        Assert.Equal(s.OperatorApplications, e["OperatorApplications"]);
        Assert.Equal(s.ProbeDurationSeconds, e["ProbeDurationSeconds"]);
        Assert.StartsWith("Probe {ProbeIndex} of {Run} at step {Step}: error energy {ErrorEnergy:G4}", e.Template);
        Assert.StartsWith("Probe 7 of mnist-mlp at step 2800: error energy 0.4123, held-out loss 0.3456, null energy 1.25E-07, frontier 0.0095 in [0.0071, 0.0133] (energy fraction 0.5 above, determined, velocity 0.93), fit λ 0.0123 (tail exponent 0.75, R² 0.987, determined, outlier energy 0.0375), ", e.Message);
        Assert.Contains("regime feature_learning;", e.Message);
        Assert.Equal(new[] { "lanczos", "lanczos" }, e["ProbeMethods"]);
        Assert.Equal("auto", e["ProbeMethodRequested"]);
        Assert.Equal(s.ProbeFallbackReason, e["ProbeFallbackReason"]);
        Assert.True(e.Message.Contains("1024 operator applications in 1.875 s; batch methods [lanczos, lanczos] (requested auto), fallback reason: The batch has 1024", StringComparison.Ordinal), e.Message);
    }

    [Fact]
    public async Task AProbeWithoutFallbackSaysNoneAndLogsNoFallbackEvent()
    {
        var logger = new CapturingLogger<LoggingSink>();
        var sink = new LoggingSink(logger);
        var s = SampleSnapshots.Complete(1) with { ProbeMethods = [ProbeMethod.Gram], ProbeFallbackReason = null };

        await sink.WriteAsync(new ProbeCompleted(s), default);

        var e = Assert.Single(logger.Events);
        Assert.Equal("none", e["ProbeFallbackReason"]);
        Assert.Equal(new[] { "gram" }, e["ProbeMethods"]);
    }

    [Fact]
    public async Task AFallbackIsLoggedOnceThenAgainOnlyWhenTheReasonChanges()
    {
        var logger = new CapturingLogger<LoggingSink>();
        var sink = new LoggingSink(logger);
        var first = SampleSnapshots.Complete(1) with { ProbeMethods = [ProbeMethod.Gram, ProbeMethod.Lanczos, ProbeMethod.Lanczos] };
        var changed = SampleSnapshots.Complete(4) with { ProbeFallbackReason = "Layer 'encoder.attn' failed the Gram verification." };
        var otherRun = SampleSnapshots.Complete(5, run: "other");

        foreach (var s in new[] { first, SampleSnapshots.Complete(2), SampleSnapshots.Complete(3) with { ProbeFallbackReason = null }, changed, otherRun })
        {
            await sink.WriteAsync(new ProbeCompleted(s), default);
        }

        var fellBack = logger.Events.Where(x => x.EventId.Id == LoggingSink.ProbeFellBackEventId).ToArray();
        Assert.Equal(3, fellBack.Length);
        Assert.All(fellBack, x => Assert.Equal(new EventId(4104, "ProbeFellBack"), x.EventId));
        Assert.All(fellBack, x => Assert.Equal(LogLevel.Information, x.Level));
        Assert.Equal(
            "Probe method auto of mnist-mlp fell back to Lanczos at step 400 for 2 of 3 batches: The batch has 1024 examples, more than the Gram path's limit of 512 errors.",
            fellBack[0].Message);
        Assert.Equal(first.ProbeFallbackReason, fellBack[0]["ProbeFallbackReason"]);
        Assert.Equal(2, fellBack[0]["FallbackBatches"]);
        Assert.Equal(3, fellBack[0]["Batches"]);
        Assert.Equal(changed.ProbeFallbackReason, fellBack[1]["ProbeFallbackReason"]);
        Assert.Equal("other", fellBack[2]["Run"]);

        // Each fallback event follows the ProbeCompleted of the probe that caused it.
        var ids = logger.Events.Select(x => x.EventId.Id).ToArray();
        Assert.Equal([4100, 4104, 4100, 4100, 4100, 4104, 4100, 4104], ids);
    }

    /// <summary>Orders property names as their placeholders appear in the template.</summary>
    private static Func<string, int> TemplateOrder(string template) => name => template.IndexOf("{" + name, StringComparison.Ordinal);

    [Fact]
    public async Task AnUndeterminedFrontierLogsItsReasonAndNaN()
    {
        var degenerate = SampleSnapshots.Degenerate();
        var e = await LogOne(new ProbeCompleted(degenerate));

        Assert.Equal("determined", e["FrontierStatus"]);
        Assert.Equal(0.25, e["FrontierLambda"]);
        Assert.Equal("profile has fewer than 4 shells", e["FitStatus"]);
        Assert.Equal(double.NaN, e["FitLambda"]);
        Assert.Equal("warming_up", e["Regime"]);
        Assert.Contains("fit λ NaN (", e.Message);

        var zero = degenerate with
        {
            Frontier = degenerate.Frontier with { Lambda = double.NaN, LambdaLower = double.NaN, LambdaUpper = double.NaN, Reason = "the error is zero" },
        };
        var z = await LogOne(new ProbeCompleted(zero));
        Assert.Equal("the error is zero", z["FrontierStatus"]);
        Assert.Equal(double.NaN, z["FrontierLambda"]);
        Assert.Contains("frontier NaN in [NaN, NaN] (", z.Message);
    }

    [Theory]
    [InlineData(TrainingRegime.LazyStagnant, LogLevel.Warning)]
    [InlineData(TrainingRegime.Unstable, LogLevel.Warning)]
    [InlineData(TrainingRegime.Overfitting, LogLevel.Warning)]
    [InlineData(TrainingRegime.NotLearning, LogLevel.Warning)]
    [InlineData(TrainingRegime.FeatureLearning, LogLevel.Information)]
    [InlineData(TrainingRegime.LazyProgressing, LogLevel.Information)]
    [InlineData(TrainingRegime.WarmingUp, LogLevel.Information)]
    public async Task ARegimeChangeIsWarningOnlyWhenTheNewRegimeNeedsAttention(TrainingRegime current, LogLevel expected)
    {
        var e = await LogOne(new RegimeChanged("mnist", 1200, T, TrainingRegime.LazyProgressing, current, "frontier stalled for 4 probes"));

        Assert.Equal(expected, e.Level);
        Assert.Equal(new EventId(4101, "RegimeChanged"), e.EventId);
        Assert.Equal("RegimeChanged", e.EventId.Name);
        Assert.Equal(["Run", "Step", "PreviousRegime", "Regime", "Reason"], e.PropertyNames);
        Assert.Equal("mnist", e["Run"]);
        Assert.Equal(1200L, e["Step"]);
        Assert.Equal("lazy_progressing", e["PreviousRegime"]);
        Assert.Equal(current.ToWireName(), e["Regime"]);
        Assert.Equal("frontier stalled for 4 probes", e["Reason"]);
        Assert.Equal($"Regime of mnist changed at step 1200 from lazy_progressing to {current.ToWireName()}: frontier stalled for 4 probes", e.Message);
    }

    [Fact]
    public async Task EveryAlertStateOfTheCoreAndOnlyThoseIsLoggedAsAWarning()
    {
        // The level follows the core's list of alert states, so a regime added there cannot be logged quietly here.
        foreach (var regime in TrainingRegimeNames.All)
        {
            var e = await LogOne(new RegimeChanged("mnist", 1200, T, TrainingRegime.WarmingUp, regime, "reason"));

            Assert.Equal(regime.IsAlert() ? LogLevel.Warning : LogLevel.Information, e.Level);
        }
    }

    [Fact]
    public async Task AFailedProbeIsAWarningWithErrorTypeAndMessage()
    {
        var e = await LogOne(new ProbeFailed("mnist", 800, T, "OutOfMemoryException", "CUDA out of memory", 3));

        Assert.Equal(LogLevel.Warning, e.Level);
        Assert.Equal(new EventId(4102, "ProbeFailed"), e.EventId);
        Assert.Equal("ProbeFailed", e.EventId.Name);
        Assert.Equal(["Run", "Step", "ErrorType", "Message", "FailuresTotal"], e.PropertyNames);
        Assert.Equal("OutOfMemoryException", e["ErrorType"]);
        Assert.Equal("CUDA out of memory", e["Message"]);
        Assert.Equal(3L, e["FailuresTotal"]);
        Assert.Equal(800L, e["Step"]);
        Assert.Equal("Probe of mnist at step 800 failed with OutOfMemoryException: CUDA out of memory (3 failures so far); training goes on", e.Message);
    }

    [Fact]
    public async Task ASkippedProbeIsADebugEvent()
    {
        var e = await LogOne(new ProbeSkipped("mnist", 900, T, "previous probe still running", 2));

        Assert.Equal(LogLevel.Debug, e.Level);
        Assert.Equal(new EventId(4103, "ProbeSkipped"), e.EventId);
        Assert.Equal("ProbeSkipped", e.EventId.Name);
        Assert.Equal(["Run", "Step", "Reason", "SkippedTotal"], e.PropertyNames);
        Assert.Equal("previous probe still running", e["Reason"]);
        Assert.Equal(2L, e["SkippedTotal"]);
        Assert.Equal("Probe of mnist due at step 900 skipped: previous probe still running (2 skipped so far)", e.Message);
    }

    [Fact]
    public async Task FlushIsANoOpAndNothingIsLoggedForIt()
    {
        var logger = new CapturingLogger<LoggingSink>();
        var sink = new LoggingSink(logger);

        await sink.FlushAsync(default);

        Assert.Empty(logger.Events);
    }
}
