using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Kernel;

/// <summary>
/// Squared error on a model with one output per example (output and target <c>[N]</c> or <c>[N, 1]</c>): there the
/// error's Jacobian is the output's, <c>∂(f − y)/∂θ = ∂f/∂θ</c>, and the projection on r is a sign (width 1), so the tangent
/// kernel <see cref="TangentKernelOutputs"/> would build is the error operator M itself, entry for entry. The probe then
/// sketches M instead of building a second operator of the same matrix, which was half the probe's cost on such a model
/// (docs/engine.md "Schedule and budget"); the outputs the sketch keeps are <c>r·f = r·(e + y)</c>, as the separate
/// operator would give them.
/// </summary>
internal static class ScalarOutputKernel
{
    /// <summary>Whether the tangent kernel of a batch with targets <paramref name="target"/> is the error operator of <paramref name="error"/>.</summary>
    public static bool Applies(ErrorFunction error, Tensor target) =>
        ReferenceEquals(error, ErrorFunctions.SquaredError)
        && target.dim() is 1 or 2
        && target.numel() == target.shape[0];

    /// <summary>The projected outputs <c>r·f</c> of the batch whose error operator is <paramref name="op"/> (f = e + y).</summary>
    public static double[] Outputs(IErrorOperator op, Tensor target, int seed)
    {
        var errors = KernelSketch.OutputsOf(op);
        double[] targets;
        using (NewDisposeScope())
        {
            targets = target.detach().to_type(ScalarType.Float64).cpu().reshape(-1).data<double>().ToArray();
        }

        if (targets.Length != errors.Length)
        {
            throw new InvalidOperationException($"The error operator has {errors.Length} entries for {targets.Length} targets.");
        }

        // A 1-D output is taken as it is; a [N, 1] output is projected on r's single sign.
        var sign = target.dim() == 1 ? 1.0 : TangentKernelOutputs.Signs(seed, 1)[0];
        var outputs = new double[errors.Length];
        for (var i = 0; i < outputs.Length; i++)
        {
            outputs[i] = sign * (errors[i] + targets[i]);
        }

        return outputs;
    }
}
