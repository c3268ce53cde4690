using TorchSharp;
using TrainMonitor.Session;
using static TorchSharp.torch;
using static TrainMonitor.Tests.Session.SessionFixtures;

namespace TrainMonitor.Tests.Session;

/// <summary>The probe at the end of a run, and probes on demand.</summary>
public sealed class FinalProbeTests
{
    /// <summary>Trains <paramref name="steps"/> plain SGD steps with the monitor attached; returns the model and its optimizer.</summary>
    private static void Train(nn.Module<Tensor, Tensor> model, TrainingMonitor monitor, int from, int to)
    {
        using var optimizer = optim.SGD(model.parameters(), 0.05);
        using var generator = new torch.Generator(7);
        for (var step = from; step <= to; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var x = randn([16, Inputs], generator: generator);
            var loss = nn.functional.mse_loss(model.call(x), zeros([16, SessionFixtures.Outputs]));
            loss.backward();
            optimizer.step();
            monitor.OnStep(step, 0.05, loss.item<float>());
        }
    }

    [Theory]
    [InlineData(ExecutionMode.Inline)]
    [InlineData(ExecutionMode.Background)]
    public async Task Disposing_after_training_probes_the_last_step_once(ExecutionMode mode)
    {
        using var model = Model();
        using var probe = Probe();
        var monitor = TrainingMonitor.Attach(model, probe, SquaredError, EveryN(10, mode), modelFactory: () => Model());
        Train(model, monitor, 1, 25);
        await monitor.DisposeAsync();

        // In background mode a probe due while the previous one runs is skipped (step 20 may be), never the final one.
        var steps = monitor.History.Select(s => s.Step).ToArray();
        Assert.Equal(25, steps[^1]);
        Assert.Equal(mode == ExecutionMode.Inline ? [10L, 20, 25] : steps, steps);
        Assert.Equal(steps.Length, monitor.Status.ProbesTotal);
    }

    [Fact]
    public void No_final_probe_when_the_last_step_was_probed_or_the_option_is_off()
    {
        using var model = Model();
        using var probe = Probe();
        var onTheDot = TrainingMonitor.Attach(model, probe, SquaredError, EveryN(10));
        Train(model, onTheDot, 1, 20);
        onTheDot.Dispose();
        Assert.Equal([10L, 20], onTheDot.History.Select(s => s.Step));

        var options = EveryN(10);
        options.Schedule.FinalProbe = false;
        var off = TrainingMonitor.Attach(model, probe, SquaredError, options);
        Train(model, off, 1, 25);
        off.Dispose();
        Assert.Equal([10L, 20], off.History.Select(s => s.Step));
    }

    [Fact]
    public void No_final_probe_before_any_step_or_when_disabled()
    {
        using var model = Model();
        using var probe = Probe();
        var idle = TrainingMonitor.Attach(model, probe, SquaredError, EveryN(10));
        idle.Dispose();
        Assert.Empty(idle.History);

        var options = EveryN(10);
        options.Enabled = false;
        var disabled = TrainingMonitor.Attach(model, probe, SquaredError, options);
        Train(model, disabled, 1, 5);
        disabled.Dispose();
        Assert.Empty(disabled.History);
    }

    [Fact]
    public async Task A_probe_on_demand_is_taken_at_the_last_reported_step_once_and_then_returned_again()
    {
        using var model = Model();
        using var probe = Probe();
        await using var monitor = TrainingMonitor.Attach(model, probe, SquaredError, EveryN(10));
        Assert.Null(await monitor.ProbeAsync());

        Train(model, monitor, 1, 13);
        var first = await monitor.ProbeAsync();
        var again = monitor.ProbeNow();

        Assert.NotNull(first);
        Assert.Equal(13, first.Step);
        Assert.Same(first, again);
        Assert.Equal([10L, 13], monitor.History.Select(s => s.Step));

        // The schedule goes on from there: the next multiple of 10 is still due.
        Train(model, monitor, 14, 20);
        Assert.Equal([10L, 13, 20], monitor.History.Select(s => s.Step));
    }
}
