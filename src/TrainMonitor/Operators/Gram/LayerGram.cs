using TorchSharp;
using TorchSharp.Modules;
using TrainMonitor.Torch;
using static TorchSharp.torch;

namespace TrainMonitor.Operators.Gram;

/// <summary>
/// Per-layer contributions <c>Σ_params P Pᵀ</c> to <c>J Jᵀ</c>, where row i of P is the gradient of error entry i with
/// respect to one parameter tensor, formed from the layer's captured inputs and output gradients without ever
/// materialising J.
/// </summary>
/// <remarks>
/// <para>Notation: N examples, k error entries per example (n = N·k, entry i = a·k + o belongs to example a), a layer
/// applied at T positions per example (sequence positions, convolution patches, repeated calls), input rows
/// <c>x_{a,t}</c> and output gradients <c>b_{i,t} = ∂e_i/∂z_{a,t}</c> (zero across examples when the model is
/// separable). For a weight acting as <c>z = W x</c> the gradient of entry i is <c>Σ_t b_{i,t} x_{a,t}ᵀ</c>, so
/// <c>⟨g_i, g_j⟩ = Σ_{t,s} (b_{i,t}·b_{j,s}) (x_{a,t}·x_{a',s})</c>: for T = 1 the Hadamard product
/// <c>(X Xᵀ) ⊙ (B Bᵀ)</c>. For T &gt; 1 the same sum is taken over token kernels (memory (nT)²) or, when smaller,
/// through the per-example gradients themselves (memory n·d_in·d_out).</para>
/// <para>Products run in the model's dtype and are accumulated in float64.</para>
/// </remarks>
internal static class LayerGram
{
    public static void Accumulate(GramLayer layer, IReadOnlyList<LayerCall> calls, long examples, long perExample, Tensor gram)
    {
        if (calls.Count == 0)
        {
            return;
        }

        using var scope = NewDisposeScope();
        switch (layer.Kind)
        {
            case GramLayerKind.Linear:
                AccumulateLinear(layer, calls, examples, perExample, gram);
                break;
            case GramLayerKind.Conv2d:
                AccumulateConv2d(layer, calls, examples, perExample, gram);
                break;
            case GramLayerKind.LayerNorm:
                AccumulateLayerNorm(layer, calls, examples, perExample, gram);
                break;
            case GramLayerKind.Embedding:
                AccumulateEmbedding(layer, calls, examples, perExample, gram);
                break;
            default:
                throw new InvalidOperationException($"Unknown layer kind {layer.Kind}.");
        }
    }

    private static void AccumulateLinear(GramLayer layer, IReadOnlyList<LayerCall> calls, long examples, long perExample, Tensor gram)
    {
        var n = examples * perExample;
        var inputs = calls.Select(c => c.Input.reshape(examples, -1, c.Input.shape[^1])).ToArray();
        var gradients = calls.Select(c => c.OutputGradient!.reshape(n, -1, c.OutputGradient!.shape[^1])).ToArray();
        AccumulateMatrixLayer(layer, cat(inputs, 1), gradients.Length == 1 ? gradients[0] : cat(gradients, 1), perExample, gram);
    }

    private static void AccumulateConv2d(GramLayer layer, IReadOnlyList<LayerCall> calls, long examples, long perExample, Tensor gram)
    {
        var conv = (Conv2d)layer.Module;
        var n = examples * perExample;
        var patches = new List<Tensor>();
        var gradients = new List<Tensor>();
        foreach (var call in calls)
        {
            var x = call.Input;
            if (x.dim() != 4)
            {
                throw new NotSupportedException($"Conv2d '{layer.Name}' was called on an input of {x.dim()} dimensions; the Gram path needs batched [N, C, H, W] input.");
            }

            var kernel = (conv.kernel_size[0], conv.kernel_size[1]);
            var dilation = (conv.dilation[0], conv.dilation[1]);
            var stride = (conv.stride[0], conv.stride[1]);
            x = nn.functional.pad(x, Padding(conv));
            // im2col: [N, C·kh·kw, L] with L output positions, in the order conv2d lays out its output.
            var columns = nn.functional.unfold(x, kernel, dilation, (0, 0), stride).transpose(1, 2);
            var b = call.OutputGradient!;
            var g = b.reshape(n, b.shape[1], -1).transpose(1, 2);
            if (g.shape[1] != columns.shape[1])
            {
                throw new InvalidOperationException(
                    $"Conv2d '{layer.Name}': {columns.shape[1]} patches for {g.shape[1]} output positions; the layer's padding or stride is not what the Gram path assumed.");
            }

            patches.Add(columns);
            gradients.Add(g);
        }

        AccumulateMatrixLayer(layer, cat(patches, 1), cat(gradients, 1), perExample, gram);
    }

    /// <summary>Left, right, top, bottom zero padding, as conv2d applies it (explicit, "valid" or "same").</summary>
    private static long[] Padding(Conv2d conv)
    {
        long top, bottom, left, right;
        if (conv.padding is { } explicitPadding)
        {
            top = bottom = explicitPadding[0];
            left = right = explicitPadding[1];
        }
        else if (conv.padding_type == TorchSharp.Padding.Same)
        {
            // PyTorch's "same": total padding dilation·(kernel − 1), the odd unit on the right/bottom.
            var totalH = conv.dilation[0] * (conv.kernel_size[0] - 1);
            var totalW = conv.dilation[1] * (conv.kernel_size[1] - 1);
            top = totalH / 2;
            bottom = totalH - top;
            left = totalW / 2;
            right = totalW - left;
        }
        else
        {
            top = bottom = left = right = 0;
        }

        return [left, right, top, bottom];
    }

    /// <summary>Weight (<c>z = W x</c> at every position) and bias (<c>+ c</c> at every position) terms.</summary>
    private static void AccumulateMatrixLayer(GramLayer layer, Tensor inputs, Tensor gradients, long perExample, Tensor gram)
    {
        if (layer.WeightTrainable)
        {
            AccumulateWeight(() => inputs, () => TokenKernel(inputs), inputs.shape[^1], gradients, perExample, gram);
        }

        if (layer.BiasTrainable)
        {
            AddOuter(gradients.sum(1), gram);
        }
    }

    private static void AccumulateLayerNorm(GramLayer layer, IReadOnlyList<LayerCall> calls, long examples, long perExample, Tensor gram)
    {
        var norm = (LayerNorm)layer.Module;
        var n = examples * perExample;
        var d = norm.normalized_shape.Length;
        var size = norm.normalized_shape.Aggregate(1L, (a, b) => a * b);
        Tensor? weightRows = null;
        Tensor? biasRows = null;
        foreach (var call in calls)
        {
            var x = call.Input;
            var dims = Enumerable.Range((int)x.dim() - d, d).Select(i => (long)i).ToArray();
            var centred = x - x.mean(dims, keepdim: true);
            var variance = centred.square().mean(dims, keepdim: true);
            // layer_norm's x̂ (biased variance, eps inside the root): y = x̂ ⊙ γ + β, so ∂y/∂γ = x̂ and ∂y/∂β = 1.
            var normalised = (centred * (variance + norm.eps).rsqrt()).reshape(examples, -1, size);
            var b = call.OutputGradient!.reshape(n, -1, size);
            if (layer.WeightTrainable)
            {
                var rows = (b * Expand(normalised, perExample, 0)).sum(1);
                weightRows = weightRows is null ? rows : weightRows + rows;
            }

            if (layer.BiasTrainable)
            {
                var rows = b.sum(1);
                biasRows = biasRows is null ? rows : biasRows + rows;
            }
        }

        if (weightRows is not null)
        {
            AddOuter(weightRows, gram);
        }

        if (biasRows is not null)
        {
            AddOuter(biasRows, gram);
        }
    }

    private static void AccumulateEmbedding(GramLayer layer, IReadOnlyList<LayerCall> calls, long examples, long perExample, Tensor gram)
    {
        if (!layer.WeightTrainable)
        {
            return;
        }

        var embedding = (Embedding)layer.Module;
        var weight = embedding.weight!;
        var vocabulary = weight.shape[0];
        var n = examples * perExample;
        var indices = new List<Tensor>();
        var masks = new List<Tensor>();
        var gradients = new List<Tensor>();
        foreach (var call in calls)
        {
            var idx = call.Input.to_type(ScalarType.Int64).reshape(examples, -1);
            indices.Add(idx);
            masks.Add(CountedTokens(layer, weight, call, idx, vocabulary));
            var b = call.OutputGradient!;
            gradients.Add(b.reshape(n, -1, b.shape[^1]));
        }

        var tokens = cat(indices, 1);
        var mask = cat(masks, 1).to_type(weight.dtype);
        var g = cat(gradients, 1);

        // The embedding is a linear layer on one-hot inputs: x_{a,t}·x_{a',s} = [idx_{a,t} = idx_{a',s}].
        Tensor OneHot() => nn.functional.one_hot(tokens, vocabulary).to_type(weight.dtype) * mask.unsqueeze(-1);
        Tensor Kernel()
        {
            var flat = tokens.reshape(-1);
            var m = mask.reshape(-1);
            return flat.unsqueeze(1).eq(flat.unsqueeze(0)).to_type(weight.dtype) * m.unsqueeze(1) * m.unsqueeze(0);
        }

        AccumulateWeight(OneHot, Kernel, vocabulary, g, perExample, gram);
    }

    /// <summary>
    /// Which tokens the embedding's own backward counts. TorchSharp does not expose <c>padding_idx</c> or
    /// <c>scale_grad_by_freq</c>, so they are read off one cheap backward of the embedding alone with unit output
    /// gradients: row r of that gradient is the number of tokens equal to r, or 0 for the padding row. Any other count
    /// means gradients are rescaled, which the Gram path does not model.
    /// </summary>
    private static Tensor CountedTokens(GramLayer layer, Tensor weight, LayerCall call, Tensor idx, long vocabulary)
    {
        var output = call.Output;
        var unit = ones_like(output);
        ErrorGraph.CheckGradOutputShape(output, unit);
        var grads = autograd.grad([output], [weight], [unit], retain_graph: true, create_graph: false, allow_unused: true);
        var flat = idx.reshape(-1);
        var counts = zeros(vocabulary, ScalarType.Float64, weight.device).index_add_(0, flat, ones(flat.shape[0], ScalarType.Float64, weight.device), 1);
        if (grads[0].IsInvalid)
        {
            return zeros_like(idx, ScalarType.Bool);
        }

        var seen = grads[0].select(1, 0).to_type(ScalarType.Float64);
        var used = counts.gt(0);
        var padding = used.logical_and(seen.eq(0));
        var rescaled = used.logical_and(padding.logical_not()).logical_and(seen.ne(counts));
        if (rescaled.any().item<bool>())
        {
            throw new NotSupportedException(
                $"Embedding '{layer.Name}' rescales its gradients (scale_grad_by_freq or similar); the Gram path does not model that.");
        }

        return padding.index_select(0, flat).logical_not().reshape(idx.shape);
    }

    /// <summary>
    /// Adds <c>Σ_{t,s} (b_{i,t}·b_{j,s}) K[(a,t),(a',s)]</c> for the weight of a layer applied at T positions. Takes the
    /// per-example gradients when they are smaller than the token kernels, and the token kernels otherwise.
    /// </summary>
    /// <param name="inputs">Input rows <c>[N, T, d_in]</c> (built only on the per-example route).</param>
    /// <param name="tokenKernel">The input kernel <c>[N·T, N·T]</c> (built only on the token route).</param>
    /// <param name="inputWidth">d_in.</param>
    /// <param name="gradients">Output gradients <c>[n, T, d_out]</c>.</param>
    /// <param name="perExample">k, error entries per example.</param>
    /// <param name="gram">The n×n float64 accumulator.</param>
    private static void AccumulateWeight(Func<Tensor> inputs, Func<Tensor> tokenKernel, long inputWidth, Tensor gradients, long perExample, Tensor gram)
    {
        var n = gradients.shape[0];
        var positions = gradients.shape[1];
        var outputWidth = gradients.shape[2];
        var perExampleSize = (double)n * inputWidth * outputWidth;
        var tokenSize = (double)n * positions * n * positions;
        if (positions > 1 && perExampleSize < tokenSize)
        {
            var x = Expand(inputs(), perExample, 0);
            var rows = gradients.transpose(1, 2).matmul(x).reshape(n, -1);
            AddOuter(rows, gram);
            return;
        }

        var kernel = tokenKernel();
        var examples = n / perExample;
        kernel = kernel.reshape(examples, positions, examples, positions);
        kernel = Expand(Expand(kernel, perExample, 0), perExample, 2);
        var flat = gradients.reshape(n * positions, outputWidth);
        var gradientKernel = flat.matmul(flat.t()).reshape(n, positions, n, positions);
        var product = positions == 1
            ? (kernel * gradientKernel).reshape(n, n)
            : (kernel * gradientKernel).sum([1, 3]);
        gram.add_(product.to_type(ScalarType.Float64));
    }

    private static Tensor TokenKernel(Tensor inputs)
    {
        var flat = inputs.reshape(-1, inputs.shape[^1]);
        return flat.matmul(flat.t());
    }

    private static void AddOuter(Tensor rows, Tensor gram) => gram.add_(rows.matmul(rows.t()).to_type(ScalarType.Float64));

    private static Tensor Expand(Tensor t, long times, long dim) => times == 1 ? t : t.repeat_interleave(times, dim);
}
