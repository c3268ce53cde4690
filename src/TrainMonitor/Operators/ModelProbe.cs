using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Torch;
using static TorchSharp.torch;

namespace TrainMonitor.Operators;

/// <summary>Turns (model, probe batch, error function) into (trainable parameters, computeErrors).</summary>
internal static class ModelProbe
{
    public static (Tensor[] Parameters, Func<Tensor> ComputeErrors) Build(nn.Module<Tensor, Tensor> model, Tensor input, Tensor target, ErrorFunction error)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(error);
        var parameters = model.parameters().Where(p => p.requires_grad).Cast<Tensor>().ToArray();
        if (parameters.Length == 0)
        {
            throw new ArgumentException("The model has no parameter that requires grad.", nameof(model));
        }

        Tensor ComputeErrors()
        {
            // Evaluation mode and flash SDPA off for this forward; grad mode is the caller's (the operator sets it).
            using var guard = new ProbeGuard(model, manageGradMode: false);
            using var scope = NewDisposeScope();
            var output = model.call(input);
            return error.Compute(output, target).MoveToOuterDisposeScope();
        }

        return (parameters, ComputeErrors);
    }
}
