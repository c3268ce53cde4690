using System.Collections.Concurrent;
using TorchSharp;
using TrainMonitor.Errors;
using static TorchSharp.torch;

namespace TrainMonitor.Kernel;

/// <summary>
/// The "error function" whose operator is the model's tangent kernel: the outputs themselves, each example's last
/// dimension projected on a fixed Rademacher vector r, so that <c>J Jᵀ</c> of it is <c>K_r = J_r J_rᵀ</c> with
/// <c>J_r = ∂(rᵀ f)/∂θ</c> — the tangent kernel of the model's outputs (Fort et al. 2020), not of the loss.
/// </summary>
/// <remarks>
/// <para><b>Why the outputs and not the error.</b> With cross-entropy the error's Jacobian is <c>J_e = −(onehot − p)ᵀ J_f</c>:
/// it moves whenever the softmax probabilities move, even when <c>J_f</c> is constant (a frozen body with a trained
/// linear head, lazy by construction). Feature learning is movement of <c>J_f</c>.</para>
/// <para><b>Why a projection.</b> <c>K_r(x_i, x_j) = rᵀ K(x_i, x_j) r</c>: a frozen K gives a frozen K_r exactly, so a model
/// that is linear in its trained parameters is lazy whatever the loss; and one entry per example (per token for sequence
/// outputs <c>[N, T, V]</c>) instead of one per class keeps the kernel within the exact Gram path's size and its cost to one
/// backward pass. r is drawn from the sketch's own SplitMix stream (seed, output width), never from torch's generator, and is
/// the same at every probe of a run.</para>
/// </remarks>
internal static class TangentKernelOutputs
{
    /// <summary>The name the function reports in messages.</summary>
    public const string Name = "tangent_kernel_outputs";

    // One instance per seed: the Gram path caches its separability verdict per (model, error function) instance.
    private static readonly ConcurrentDictionary<int, ErrorFunction> Functions = new();

    /// <summary>The output function for sketch seed <paramref name="seed"/> (one shared instance per seed).</summary>
    public static ErrorFunction For(int seed) => Functions.GetOrAdd(seed, static s => new ErrorFunction(Name, (output, _) => Project(output, s)));

    /// <summary><c>rᵀ f</c> over the last dimension, flattened example-major; a 1-D output is taken as it is.</summary>
    internal static Tensor Project(Tensor output, int seed)
    {
        using var scope = NewDisposeScope();
        if (output.dim() <= 1)
        {
            return output.reshape(-1).MoveToOuterDisposeScope();
        }

        var width = checked((int)output.shape[^1]);
        var signs = Signs(seed, width);
        var r = torch.tensor(signs, dtype: output.dtype, device: output.device);
        return (output * r).sum(-1).reshape(-1).MoveToOuterDisposeScope();
    }

    /// <summary>The Rademacher vector r for an output width (batch index −1 keeps it apart from the sketch's Z blocks).</summary>
    internal static double[] Signs(int seed, int width)
    {
        var random = new SketchRandom(seed, -1, width);
        var signs = new double[width];
        for (var c = 0; c < width; c++)
        {
            signs[c] = random.NextSign();
        }

        return signs;
    }
}
