using static TorchSharp.torch;

namespace TrainMonitor.Testing;

/// <summary>
/// The plain supervised loop <see cref="MonitoredTraining"/> runs when no step function is given: at step k it takes
/// batch (k − 1) mod <see cref="Batches"/>.Count, zeroes the gradients, computes <see cref="Loss"/> of the model's
/// output against the target, back-propagates and steps the optimiser.
/// </summary>
/// <remarks>
/// The batches are the caller's: they are read, never disposed or modified. The learning rate reported to the monitor
/// is read from the optimiser at every step (the largest over its parameter groups, the one that bounds stability), so a
/// learning-rate scheduler the step function does not know about is still seen.
/// </remarks>
public sealed class SupervisedTraining
{
    /// <summary>The optimiser over the model's parameters.</summary>
    public required optim.Optimizer Optimizer { get; init; }

    /// <summary>The training loss of (model output, target), a scalar tensor, e.g. <c>(p, y) =&gt; nn.functional.mse_loss(p, y)</c>.</summary>
    public required Func<Tensor, Tensor, Tensor> Loss { get; init; }

    /// <summary>Training batches (input, target), cycled in order; at least one.</summary>
    public required IReadOnlyList<(Tensor Input, Tensor Target)> Batches { get; init; }
}
