using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Probing;
using TrainMonitor.Session;
using TrainMonitor.Tests.Session;
using Xunit;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.EnergyBudget;

/// <summary>
/// The energy budget through the monitor: a linear model trained by full-batch gradient descent on the probe set itself,
/// probed on the exact path, is the frozen-kernel dynamics, so every interval's transport fraction is round-off.
/// </summary>
public sealed class MonitoredEnergyBudgetTests
{
    [Fact]
    public void Linear_full_batch_descent_on_the_probe_set_has_no_transport_and_dissipation_matches_the_next_step()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var x = randn(new long[] { 64, 12 }, dtype: ScalarType.Float64, generator: generator) * tensor(Enumerable.Range(0, 12).Select(i => Math.Pow(2, -i / 2.0)).ToArray(), dtype: ScalarType.Float64);
        var y = x.matmul(randn(new long[] { 12, 1 }, dtype: ScalarType.Float64, generator: generator));
        using var model = nn.Linear(12, 1, hasBias: false, dtype: ScalarType.Float64);
        using var probe = ProbeSet.FromTensors(x, y, batchSize: 64);
        const double eta = 0.2;
        using var monitor = TrainingMonitor.Attach(model, probe, ErrorFunctions.SquaredError, new MonitorOptions
        {
            Schedule = { FirstProbeStep = 1, LogSpacingFactor = 2, OverheadBudget = 0 },
            Probe = { Method = ProbeMethod.Exact },
        });
        using var optimizer = optim.SGD(model.parameters(), eta);
        var energies = new Dictionary<long, double>();
        for (var step = 1; step <= 256; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = 0.5 * (model.forward(x) - y).pow(2).mean();
            loss.backward();
            optimizer.step();
            using (no_grad())
            {
                energies[step] = (model.forward(x) - y).pow(2).mean().item<double>();
            }

            monitor.OnStep(step, eta);
        }

        var history = monitor.History;
        Assert.Null(history[0].Transport); // nothing before the first probe
        var budgets = history.Skip(1).Select(h => h.Transport).ToArray();
        Assert.All(budgets, Assert.NotNull);
        Assert.All(budgets, b => Assert.True(b!.IsExact));
        // Round-off: each of the n weights is propagated through up to 128 steps of (1 − ηθ)² in float64.
        Assert.All(budgets, b => Assert.InRange(b!.TransportFraction, 0, 1e-9));
        Assert.Equal(history.Skip(1).Select(h => h.Step), budgets.Select(b => b!.ToStep));
        Assert.Equal(history.SkipLast(1).Select(h => h.Step), budgets.Select(b => b!.FromStep));

        // Dissipation at a probe is the energy the next step removes (exact: one step of linear GD is (I − ηM) e).
        foreach (var h in history.Where(h => h.Step < 256))
        {
            Assert.NotNull(h.Dissipation);
            var drop = energies[h.Step] - energies[h.Step + 1];
            Assert.Equal(drop, h.Dissipation!.Total, 1e-12 + 1e-9 * energies[h.Step]);
        }
    }

    [Fact]
    public void A_step_without_a_learning_rate_leaves_that_interval_without_transport_and_the_next_one_with()
    {
        using var scope = NewDisposeScope();
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe();
        using var monitor = TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError, SessionFixtures.EveryN(4));
        for (var step = 1; step <= 16; step++)
        {
            monitor.OnStep(step, step == 6 ? null : 0.01);
        }

        var byStep = monitor.History.ToDictionary(h => h.Step);
        Assert.Null(byStep[4].Transport); // the first probe
        Assert.Null(byStep[8].Transport); // step 6 came without a rate
        Assert.NotNull(byStep[12].Transport);
        Assert.Equal(8, byStep[12].Transport!.FromStep);
        Assert.NotNull(byStep[16].Transport);
        Assert.NotNull(byStep[8].Dissipation); // the probe step itself had its rate
    }
}
