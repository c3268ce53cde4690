using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Regimes;
using TrainMonitor.Testing;
using static TorchSharp.torch;

namespace TrainingHealthTests;

/// <summary>
/// Two broken trainings the health checks must catch, so the suite is known to be able to fail. Both failures are
/// unambiguous (nothing moves at all; the error grows by orders of magnitude), so they do not depend on fine thresholds.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class CanaryTests
{
    private static SupervisedTraining Training(TeacherTask task, optim.Optimizer optimizer) => new()
    {
        Optimizer = optimizer,
        Loss = (prediction, target) => nn.functional.mse_loss(prediction, target),
        Batches = task.Batches,
    };

    [Fact]
    public async Task An_optimizer_over_stale_parameters_is_caught_as_not_learning()
    {
        // The classic TorchSharp slip: the optimiser holds the Parameters of another instance (e.g. created before
        // module.to(device) replaced them), so the monitored model never changes. Its outputs stand still from the first
        // probe and its error never falls: the tracker calls that not_learning (lazy_stagnant is kept for a run that
        // stalled after it had learned), an alert the health checks must raise.
        using var task = new TeacherTask();
        using var model = task.CreateModel(seed: 1);
        using var stale = task.CreateModel(seed: 2);
        using var optimizer = optim.SGD(stale.parameters(), 0.05, momentum: 0.9);

        var run = await MonitoredTraining.RunAsync(model, Training(task, optimizer), task.Probe, ErrorFunctions.SquaredError, 64, HealthSettings.Options());

        var failure = Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertNoAlerts());
        Assert.Contains("not_learning", failure.Reason);
        Assert.Contains("stand still", failure.Reason);
        Assert.Equal(TrainingRegime.NotLearning, run.FinalRegime);
        Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertErrorEnergyDecreased(factor: 2));
    }

    [Fact]
    public async Task A_learning_rate_beyond_the_stability_limit_is_caught_as_unstable()
    {
        // Plain SGD at 0.5: η·λ_max is far above 2 within a few steps and the error grows until it overflows.
        using var task = new TeacherTask();
        using var model = task.CreateModel(seed: 1);
        using var optimizer = optim.SGD(model.parameters(), 0.5);

        var run = await MonitoredTraining.RunAsync(model, Training(task, optimizer), task.Probe, ErrorFunctions.SquaredError, 16, HealthSettings.Options());

        run.AssertRegimeReached(TrainingRegime.Unstable);
        Assert.Throws<TrainingDynamicsAssertionException>(() => run.AssertErrorEnergyDecreased(factor: 1));
    }
}
