using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Outputs;
using TrainMonitor.Regimes;
using TrainMonitor.Session;
using TrainMonitor.Tests.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Session;

/// <summary>
/// A run whose errors become NaN or infinite is reported as <c>unstable</c> at the first probe that sees it, as a
/// snapshot with its non-finite error energy, not as a probe failure.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class DivergingRunTests
{
    [Fact]
    public async Task WeightsThatBlowUpMakeTheNextProbeUnstableWithoutAFailure()
    {
        manual_seed(21);
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe();
        using var x = randn(16, SessionFixtures.Inputs);
        using var y = randn(16, SessionFixtures.Outputs);
        using var optimizer = optim.SGD(model.parameters(), 0.05);
        var sink = new RecordingSink();
        var options = SessionFixtures.EveryN(5);
        // Random targets: the held-out error may rise by more than 5 % between probes; this test is about divergence alone.
        options.Regime.EnergyGrowthTolerance = 10;
        var monitor = TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError, options, [sink]);
        for (var step = 1; step <= 30; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.mse_loss(model.call(x), y).backward();
            optimizer.step();
            if (step == 22)
            {
                // What a learning rate too large does within a few steps: the output layer overflows.
                using var noGrad = no_grad();
                model.parameters().Last().fill_(float.PositiveInfinity);
            }

            monitor.OnStep(step);
        }

        await monitor.DisposeAsync();
        Assert.True(monitor.Status.ProbeFailuresTotal == 0, string.Join("; ", sink.Of<ProbeFailed>().Select(f => $"{f.ErrorType}: {f.Message}")));
        var history = monitor.History;
        Assert.Equal([5L, 10, 15, 20, 25, 30], history.Select(h => h.Step).ToArray());
        Assert.All(history.Take(4), h => Assert.True(double.IsFinite(h.ErrorEnergy)));
        Assert.All(history.Take(4), h => Assert.NotEqual(TrainingRegime.Unstable, h.Regime));

        // Step 25 is the first probe after the blow-up: unstable there, not one probe later.
        foreach (var diverged in history.Skip(4))
        {
            Assert.False(double.IsFinite(diverged.ErrorEnergy));
            Assert.Equal(TrainingRegime.Unstable, diverged.Regime);
            Assert.Equal(diverged.Assessment.Regime, diverged.Regime);
            Assert.Contains("not finite", diverged.Assessment.Reason, StringComparison.Ordinal);
            Assert.False(diverged.Frontier.IsDetermined);
            Assert.False(diverged.Frontier.Fit.IsDetermined);
            Assert.Empty(diverged.Shells);
        }

        var change = Assert.Single(sink.Of<RegimeChanged>(), e => e.Current == TrainingRegime.Unstable);
        Assert.Equal(25, change.Step);
        Assert.Empty(sink.Of<ProbeFailed>());
    }

    [Fact]
    public async Task ErrorsThatAreNaNFromTheStartAreUnstableDuringWarmUp()
    {
        manual_seed(22);
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe();
        var nan = ErrorFunctions.Custom("nan", (o, t) => (o - t).reshape(-1).mul(float.NaN));
        var sink = new RecordingSink();
        var monitor = TrainingMonitor.Attach(model, probe, nan, SessionFixtures.EveryN(1), [sink]);
        monitor.OnStep(1);
        monitor.OnStep(2);
        await monitor.DisposeAsync();

        Assert.True(monitor.Status.ProbeFailuresTotal == 0, string.Join("; ", sink.Of<ProbeFailed>().Select(f => $"{f.ErrorType}: {f.Message}")));
        Assert.Equal(2, monitor.History.Count);
        Assert.All(monitor.History, h => Assert.Equal(TrainingRegime.Unstable, h.Assessment.Regime));
        Assert.All(monitor.History, h => Assert.Equal(double.NaN, h.ErrorEnergy));
    }
}
