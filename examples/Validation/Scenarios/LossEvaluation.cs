using TorchSharp;
using static TorchSharp.torch;

namespace Validation.Scenarios;

/// <summary>The harness's loss evaluation: no grad, eval mode and back, mean cross-entropy (per token for sequences).</summary>
internal static class LossEvaluation
{
    public static double MeanCrossEntropy(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor targets)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var training = model.training;
        model.eval();
        try
        {
            return Loss(model.call(inputs), targets).item<float>();
        }
        finally
        {
            model.train(training);
        }
    }

    /// <summary>Cross-entropy of logits [n, classes] against [n], or of [n, T, vocabulary] against [n, T] per token.</summary>
    public static Tensor Loss(Tensor logits, Tensor targets) =>
        nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), targets.reshape(-1));
}
