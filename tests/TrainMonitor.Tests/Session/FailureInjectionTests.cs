using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Outputs;
using TrainMonitor.Session;
using TrainMonitor.Tests.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Session;

/// <summary>Probe failures are caught, counted and reported; the run goes on and the model is left as it was.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class FailureInjectionTests
{
    private static readonly Tensor Elsewhere = ones(16).requires_grad_(true);

    // Each breaks after attach: attach checks the function once, and one broken from the start fails there (AttachCheckTests).
    public static TheoryData<string, Func<Tensor, Tensor, Tensor>, string> BrokenErrorFunctions => new()
    {
        { "throws", (_, _) => throw new InvalidOperationException("user code failed"), nameof(InvalidOperationException) },
        { "detached", (o, t) => (o.detach() - t).reshape(-1), nameof(ArgumentException) },
        // Requires grad, but through a leaf that is not a parameter of the model.
        { "unconnected", (o, _) => Elsewhere.mul(2.0), nameof(InvalidOperationException) },
        { "out of memory", (_, _) => throw new OutOfMemoryException("CPU allocator: out of memory"), nameof(OutOfMemoryException) },
    };

    [Theory]
    [MemberData(nameof(BrokenErrorFunctions))]
    public async Task ABrokenErrorFunctionIsCountedAndReportedAndTheRunGoesOn(string name, Func<Tensor, Tensor, Tensor> broken, string errorType)
    {
        var breakable = new BreakableError(name, broken);
        var error = breakable.Function;
        manual_seed(11);
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe();
        using var x = randn(16, SessionFixtures.Inputs);
        using var y = randn(16, SessionFixtures.Outputs);
        using var optimizer = optim.SGD(model.parameters(), 0.05);
        model.train();
        var sink = new RecordingSink();
        var monitor = TrainingMonitor.Attach(model, probe, error, SessionFixtures.EveryN(5), [sink]);
        breakable.Break();
        var gradMode = is_grad_enabled();
        for (var step = 1; step <= 30; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.mse_loss(model.call(x), y).backward();
            optimizer.step();
            monitor.OnStep(step); // must not throw
        }

        await monitor.DisposeAsync();
        var status = monitor.Status;
        Assert.Equal(6, status.ProbeFailuresTotal);
        Assert.Equal(0, status.ProbesTotal);
        Assert.Empty(monitor.History);
        var failed = sink.Of<ProbeFailed>();
        Assert.Equal([5L, 10, 15, 20, 25, 30], failed.Select(f => f.Step).ToArray());
        Assert.Equal([1L, 2, 3, 4, 5, 6], failed.Select(f => f.FailuresTotal).ToArray());
        Assert.All(failed, f => Assert.Equal(errorType, f.ErrorType));
        Assert.All(failed, f => Assert.Equal("test", f.Run));
        Assert.Empty(sink.Of<ProbeCompleted>());
        Assert.True(model.training, $"{name}: module modes were not restored");
        Assert.Equal(gradMode, is_grad_enabled());
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public async Task AnIntermittentFailureDoesNotStopLaterProbes()
    {
        manual_seed(12);
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe();
        var fail = false;
        var error = ErrorFunctions.Custom("flaky", (o, t) => fail ? throw new InvalidOperationException("flaky") : (o - t).reshape(-1));
        var sink = new RecordingSink();
        var monitor = TrainingMonitor.Attach(model, probe, error, SessionFixtures.EveryN(1), [sink]);
        for (var step = 1; step <= 6; step++)
        {
            fail = step is 2 or 3;
            monitor.OnStep(step);
        }

        await monitor.DisposeAsync();
        Assert.Equal((4L, 2L), (monitor.Status.ProbesTotal, monitor.Status.ProbeFailuresTotal));
        Assert.All(sink.Of<ProbeFailed>(), f => Assert.Equal(monitor.Status.RunId, f.RunId));
        Assert.All(monitor.History, s => Assert.Equal(monitor.Status.RunId, s.RunId));
        // A new session of the same run name (a rerun) has a run id of its own.
        using (var rerun = TrainingMonitor.Attach(model, probe, error, SessionFixtures.EveryN(1)))
        {
            Assert.Equal(monitor.Status.Run, rerun.Status.Run);
            Assert.NotEqual(monitor.Status.RunId, rerun.Status.RunId);
        }

        Assert.Equal([1L, 4, 5, 6], monitor.History.Select(s => s.Step).ToArray());
        Assert.Equal([1L, 2, 3, 4], monitor.History.Select(s => s.ProbeIndex).ToArray());
        Assert.Equal([2L, 3], sink.Of<ProbeFailed>().Select(f => f.Step).ToArray());
    }

    [Fact]
    public async Task ABackgroundProbeFailureIsReportedToo()
    {
        manual_seed(13);
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe();
        var sink = new RecordingSink();
        var breakable = BreakableError.Throwing();
        var monitor = TrainingMonitor.Attach(model, probe, breakable.Function, SessionFixtures.EveryN(1, ExecutionMode.Background), [sink],
            modelFactory: SessionFixtures.Model);
        breakable.Break();
        for (var step = 1; step <= 5; step++)
        {
            monitor.OnStep(step);
            await monitor.FlushAsync();
        }

        await monitor.DisposeAsync();
        Assert.Equal(5, monitor.Status.ProbeFailuresTotal);
        Assert.Equal(5, sink.Of<ProbeFailed>().Length);
    }
}
