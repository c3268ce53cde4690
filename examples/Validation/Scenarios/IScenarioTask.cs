using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Probing;
using static TorchSharp.torch;

namespace Validation.Scenarios;

/// <summary>The data side of a scenario: the monitor's fixed probe set, minibatches, and the harness's own loss evaluations.</summary>
internal interface IScenarioTask : IDisposable
{
    /// <summary>The held-out probe set the monitor reads (the same examples <see cref="HeldOutLoss"/> averages over).</summary>
    ProbeSet Probe { get; }

    ErrorFunction Error { get; }

    /// <summary>The mean cross-entropy of one minibatch drawn with <paramref name="random"/>, graph attached.</summary>
    Tensor MinibatchLoss(nn.Module<Tensor, Tensor> model, Random random);

    /// <summary>Mean cross-entropy over the probe examples (no grad, eval mode; touches no random stream).</summary>
    double HeldOutLoss(nn.Module<Tensor, Tensor> model);

    /// <summary>Mean cross-entropy over a fixed sample of the training data (to check that training loss falls).</summary>
    double TrainingLoss(nn.Module<Tensor, Tensor> model);
}
