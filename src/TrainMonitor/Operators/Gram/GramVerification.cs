using TorchSharp;
using TrainMonitor.Torch;
using static TorchSharp.torch;

namespace TrainMonitor.Operators.Gram;

/// <summary>
/// The Gram path's check that it has accounted for every trainable parameter: per layer, the quadratic form
/// <c>rᵀ G_l r</c> of the layer's Gram contribution (built from the recorded calls) against <c>‖J_lᵀ r‖²</c> by
/// autograd (one backward pass of <c>rᵀe</c> to the parameters, a route that does not depend on hooks).
/// </summary>
/// <remarks>
/// <para><b>Why.</b> Forward hooks fire only through <c>module.call</c>. A layer invoked as <c>layer.forward(x)</c>,
/// or whose weight is used through <c>nn.functional.linear(x, layer.weight, …)</c>, passes the structural check but
/// leaves no recorded call (or fewer calls than it has), so its Gram contribution would be missing or partial and the
/// "exact" spectrum wrong. Autograd sees every use of a parameter, however it is reached.</para>
/// <para><b>Completeness.</b> <c>J Jᵀ = Σ_l J_l J_lᵀ</c> over the layers' parameter blocks, and for a random Gaussian
/// r, <c>rᵀ G_l r = ‖J_lᵀ r‖²</c> holds for every l only if each G_l is right, except on a set of r of measure
/// zero. A missing layer gives <c>rᵀ G_l r = 0</c> against a positive autograd value; a layer with an extra use outside
/// its calls gives a difference of the order of that use's share.</para>
/// <para><b>Tolerance.</b> <c>|a − b| ≤ √ε (a + b) + 2√n·ε·√(s (a + b))</c> with ε the model dtype's machine
/// epsilon, a = <c>rᵀ G_l r</c>, b = <c>‖J_lᵀ r‖²</c> and <c>s = (Σ_i |r_i| √G_l,ii)²</c>. The first term is the
/// separability check's √ε relative threshold (a discrepancy below it moves the layer's share of M by less than √ε);
/// the second is the round-off of evaluating b in the model's dtype: <c>J_lᵀ r</c> is a length-n reduction with error
/// ≲ √n·ε·Σ_i |r_i| ‖J_i‖, and <c>|δ‖g‖²| ≤ 2‖g‖‖δg‖</c>. It matters only when <c>J_lᵀ r</c> nearly cancels.
/// Both G_l (float64 accumulation of model-dtype products) and b carry round-off of order ε, far below √ε, so an
/// intact model never trips it; docs/benchmarks.md reports the measured margins.</para>
/// <para><b>Cost.</b> One backward pass to the parameters per probe batch (about a training step's backward) and
/// one n×n float64 scratch matrix while the layers are accumulated.</para>
/// </remarks>
internal static class GramVerification
{
    private const int ProbeSeed = 0x6A4D;

    /// <summary>A fixed Gaussian probe vector of length n in the errors' dtype (its own generator: the global RNG is untouched).</summary>
    public static Tensor ProbeVector(Tensor errors)
    {
        using var generator = new Generator(ProbeSeed);
        return randn(new[] { errors.shape[0] }, errors.dtype, errors.device, generator: generator);
    }

    /// <summary>
    /// <c>‖J_lᵀ r‖²</c> for every layer of the plan, from one backward pass of <c>rᵀe</c> to the trainable parameters
    /// (<c>.grad</c> is not written). The graph is retained: a
    /// pass that freed it crashed libtorch inside <c>EmbeddingBackward0</c> on the Embedding models of the tests (an
    /// uncatchable abort), and it is freed with the batch's tensors anyway.
    /// </summary>
    public static double[] AutogradQuadraticForms(Tensor errors, GramPlan plan, Tensor r)
    {
        using var scope = NewDisposeScope();
        var owners = new List<int>();
        var parameters = new List<Tensor>();
        for (var l = 0; l < plan.Layers.Count; l++)
        {
            foreach (var (_, p) in plan.Layers[l].Module.named_parameters(recurse: false))
            {
                if (p.requires_grad)
                {
                    owners.Add(l);
                    parameters.Add(p);
                }
            }
        }

        ErrorGraph.CheckGradOutput(errors, r);
        var grads = autograd.grad([errors], parameters, [r], retain_graph: true, create_graph: false, allow_unused: true);
        var forms = new double[plan.Layers.Count];
        for (var j = 0; j < parameters.Count; j++)
        {
            if (!grads[j].IsInvalid)
            {
                forms[owners[j]] += grads[j].to_type(ScalarType.Float64).square().sum().item<double>();
            }
        }

        return forms;
    }

    /// <summary>
    /// Reason null when the layer's Gram contribution agrees with autograd, otherwise why the Gram path must not be used;
    /// and the discrepancy as a fraction of the tolerance (≤ 1 passes).
    /// </summary>
    /// <param name="layer">The layer.</param>
    /// <param name="recordedCalls">How many calls of it the hooks recorded.</param>
    /// <param name="layerGram">Its n×n contribution <c>J_l J_lᵀ</c> (float64, not yet divided by n).</param>
    /// <param name="r">The probe vector in float64.</param>
    /// <param name="autograd"><c>‖J_lᵀ r‖²</c> by autograd.</param>
    /// <param name="dtype">The model's dtype (sets ε).</param>
    public static (string? Reason, double ToleranceUsed) Check(GramLayer layer, int recordedCalls, Tensor layerGram, Tensor r, double autograd, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var fromCalls = layerGram.mv(r).dot(r).item<double>();
        var diagonal = layerGram.diagonal().clamp_min(0).sqrt();
        var spread = r.abs().dot(diagonal).item<double>();
        var epsilon = finfo(dtype).eps;
        var n = r.shape[0];
        var sum = fromCalls + autograd;
        var tolerance = Math.Sqrt(epsilon) * sum + 2 * Math.Sqrt(n) * epsilon * spread * Math.Sqrt(Math.Max(sum, 0));
        var difference = Math.Abs(fromCalls - autograd);
        var used = difference == 0 ? 0 : difference / tolerance;
        if (difference <= tolerance)
        {
            return (null, used);
        }

        var kind = layer.Module.GetType().Name;
        if (recordedCalls == 0)
        {
            return ($"layer '{layer.Name}' ({kind}) influences the errors but was never invoked through module.call, so the Gram path's hooks "
                + "did not see it (called as .forward(...), or its parameters used through nn.functional); call it as layer.call(x) to use the exact path", used);
        }

        return ($"the parameters of layer '{layer.Name}' ({kind}) reach the errors beyond its {recordedCalls} recorded module.call invocation(s) "
            + $"(‖J_lᵀr‖² by autograd {autograd:E3}, from the recorded calls {fromCalls:E3}: relative difference {difference / Math.Max(sum, double.Epsilon):E1} > √ε = {Math.Sqrt(epsilon):E1}); "
            + "a call as .forward(...) or a use of its weights through nn.functional escapes the hooks", used);
    }
}
