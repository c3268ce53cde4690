namespace TrainMonitor.Testing;

/// <summary>
/// What one training step tells the monitor: the training loss and, when known, the learning rate (which gives the
/// stability margin η·λ_max). A step function may simply return the loss: a <see cref="double"/> converts implicitly.
/// </summary>
/// <param name="Loss">
/// The training loss of the step; NaN when not computed. The next probe's snapshot records the mean of the losses since the
/// previous probe (<see cref="Outputs.ProbeSnapshot.TrainingLoss"/>), which the regime tracker sets against the held-out loss.
/// </param>
/// <param name="LearningRate">The learning rate of the step, or null when unknown.</param>
public readonly record struct StepReport(double Loss, double? LearningRate = null)
{
    /// <summary>A report with only the loss.</summary>
    public static implicit operator StepReport(double loss) => new(loss);
}
