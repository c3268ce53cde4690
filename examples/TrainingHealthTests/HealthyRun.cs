using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Testing;
using static TorchSharp.torch;

namespace TrainingHealthTests;

/// <summary>
/// The team's reference training, run once for all of <see cref="MlpHealthTests"/>: an MLP 32-128-128-1 (tanh) on the
/// teacher task, SGD with momentum 0.9 at learning rate 0.05, 1024 steps, probed at steps 1, 2, 4, …, 1024.
/// About a second on an idle 2-core machine.
/// </summary>
public sealed class HealthyRun : IAsyncLifetime
{
    public const long Steps = 1024;

    public MonitoredRun Run { get; private set; } = null!;

    public async Task InitializeAsync() => Run = await TrainAsync(Steps, HealthSettings.Options(runName: "mlp-teacher-reference"));

    /// <summary>The reference training for <paramref name="steps"/> steps, monitored with <paramref name="options"/>.</summary>
    internal static async Task<MonitoredRun> TrainAsync(long steps, MonitoredTrainingOptions options)
    {
        using var task = new TeacherTask();
        using var model = task.CreateModel(width: 128, seed: 1);
        using var optimizer = optim.SGD(model.parameters(), 0.05, momentum: 0.9);
        var training = new SupervisedTraining
        {
            Optimizer = optimizer,
            Loss = (prediction, target) => nn.functional.mse_loss(prediction, target),
            Batches = task.Batches,
        };

        return await MonitoredTraining.RunAsync(model, training, task.Probe, ErrorFunctions.SquaredError, steps, options);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
