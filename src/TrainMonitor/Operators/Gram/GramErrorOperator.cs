using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Torch;
using static TorchSharp.torch;

namespace TrainMonitor.Operators.Gram;

/// <summary>
/// The exact Gram path: forms <c>M = J Jᵀ / n</c> of one probe batch from one forward pass and one backward pass to
/// the layer outputs (per error entry of an example), through per-layer Gram products of captured inputs and output
/// gradients, and wraps it in a <see cref="MatrixErrorOperator"/>. J itself is never built.
/// </summary>
/// <remarks>
/// <para><b>When it applies.</b> Every trainable parameter belongs to a <c>Linear</c>, <c>Conv2d</c> (groups 1, zero
/// padding), <c>LayerNorm</c> or <c>Embedding</c> module and is not shared between modules (checked before any
/// forward pass, <see cref="UnsupportedReason"/>); the layers are called through <c>module.call</c> on batched inputs
/// whose first dimension is the example; the n errors are example-major, k = n / N entries per example (one per
/// example for cross-entropy, one per output for squared error, one per token for per-token cross-entropy); and the
/// errors are <i>separable</i>: entry i depends on its own example only (no batch statistics, no mixing across the
/// batch). Under separability one backward pass of <c>Σ_a e_{a,o}</c> yields <c>∂e_{a,o}/∂z</c> for every example a
/// at once, which is what makes the path cheap: k backward passes in all.</para>
/// <para><b>Separability check.</b> Separability cannot be read off the module tree (a custom forward may subtract a
/// batch mean), so the first time a (model, error function) pair takes this path one more backward pass runs with
/// Gaussian weights r: for separable errors its output gradients equal <c>Σ_o r_{a,o} ∂e_{a,o}/∂z_a</c> rebuilt
/// from the unit passes, to round-off. A norm-wise relative difference above <c>√ε</c> of the model's dtype (3e-4
/// in float32, 1.5e-8 in float64; the two routes differ by O(depth·ε), orders of magnitude less) marks the pair as
/// coupled and the path as unsupported for it; a coupling below that threshold changes M by less than √ε relative.
/// The verdict is cached per model instance and error function.</para>
/// <para><b>Completeness check.</b> Hooks fire only through <c>module.call</c>: a layer called as <c>.forward(x)</c>
/// or whose weights are used through <c>nn.functional</c> would be missing from M. On every batch, each layer's
/// contribution is checked against one backward pass of <c>rᵀe</c> to the parameters (<see cref="GramVerification"/>);
/// a layer that disagrees makes the batch unsupported, with a reason naming the layer, and <c>Auto</c> takes Lanczos.</para>
/// <para><b>Cost.</b> One forward, k backward passes that stop at the layer outputs (no weight gradients), one backward
/// pass to the parameters (the completeness check), one
/// Hadamard product of two n×n kernels per layer (more for layers applied at several positions per example), and
/// later one <c>eigh</c> of M (<c>ExactSpectralMeasure</c> in Spectral). Memory O(n²) plus the layer activations.</para>
/// <para>The model is not modified: hooks are attached for the forward pass only and removed after it, no
/// <c>.grad</c> is written, module modes and the flash-attention switch are restored (<see cref="Torch.ProbeGuard"/>).</para>
/// </remarks>
public static class GramErrorOperator
{
    /// <summary>Default upper limit on n: M takes n²·8 bytes and its <c>eigh</c> O(n³) time.</summary>
    public const int DefaultMaxSize = 2048;

    /// <summary>
    /// Why the Gram path cannot apply to <paramref name="model"/> from its structure alone (unsupported layer type or
    /// configuration, shared parameters), or null when it may apply (separability is checked on first use).
    /// </summary>
    public static string? UnsupportedReason(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return GramPlan.TryCreate(model, out var reason) is null ? reason : null;
    }

    /// <summary>Builds the exact operator of <paramref name="model"/> on one probe batch.</summary>
    /// <param name="model">The model; it is not modified.</param>
    /// <param name="input">Probe inputs, on the model's device, examples along dimension 0.</param>
    /// <param name="target">Probe targets, on the model's device.</param>
    /// <param name="error">The error function (example-major errors).</param>
    /// <param name="maxSize">Largest n accepted.</param>
    /// <exception cref="NotSupportedException">
    /// The Gram path does not apply (the message says why): unsupported layers, errors not example-major, coupled
    /// examples, or more than <paramref name="maxSize"/> errors. Nothing has been changed; use the Lanczos path.
    /// </exception>
    /// <exception cref="InvalidOperationException">No trainable parameter influences the errors.</exception>
    public static MatrixErrorOperator ForModel(nn.Module<Tensor, Tensor> model, Tensor input, Tensor target, ErrorFunction error, int maxSize = DefaultMaxSize) =>
        ForModel(model, input, target, error, maxSize, verifyCompleteness: true, onLayerVerified: null);

    /// <summary>
    /// <see cref="ForModel(nn.Module{Tensor, Tensor}, Tensor, Tensor, ErrorFunction, int)"/> with the completeness check
    /// switchable (the benchmark times it side by side) and each layer's check reported as (layer, |a − b| / tolerance).
    /// </summary>
    internal static MatrixErrorOperator ForModel(nn.Module<Tensor, Tensor> model, Tensor input, Tensor target, ErrorFunction error, int maxSize,
        bool verifyCompleteness, Action<string, double>? onLayerVerified)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSize);
        var plan = GramPlan.TryCreate(model, out var reason)
            ?? throw new NotSupportedException($"The Gram path does not apply: {reason}.");
        if (GramSeparability.Lookup(model, error) is { } verdict && !GramSeparability.IsSeparable(verdict))
        {
            throw new NotSupportedException($"The Gram path does not apply: {verdict}.");
        }

        if (input.dim() == 0)
        {
            throw new NotSupportedException("The Gram path needs batched inputs (examples along dimension 0).");
        }

        var examples = input.shape[0];
        if (examples > maxSize)
        {
            throw new NotSupportedException($"The batch has {examples} examples, more than the Gram path's limit of {maxSize} errors.");
        }

        var (_, computeErrors) = ModelProbe.Build(model, input, target, error);
        using var scope = NewDisposeScope();
        using var capture = GramCapture.Attach(plan);
        Tensor errors;
        try
        {
            errors = ErrorGraph.Forward(computeErrors, expectedLength: null);
        }
        finally
        {
            capture.StopRecording();
        }

        var n = errors.shape[0];
        if (n % examples != 0)
        {
            throw new NotSupportedException($"{n} errors for {examples} examples: the Gram path needs the same number of example-major errors per example.");
        }

        if (n > maxSize)
        {
            throw new NotSupportedException($"The batch has {n} errors, more than the Gram path's limit of {maxSize}.");
        }

        var perExample = n / examples;
        var calls = capture.Calls.Where(c => c.Output.requires_grad).ToArray();
        foreach (var call in calls)
        {
            if (call.Input.dim() == 0 || call.Input.shape[0] != examples || call.Output.dim() == 0 || call.Output.shape[0] != examples)
            {
                throw new NotSupportedException(
                    $"Layer '{call.Layer.Name}' was called on {TensorDescription.Describe(call.Input)}; the Gram path needs the {examples} examples along dimension 0.");
            }
        }

        var probe = GramVerification.ProbeVector(errors);
        double[] autogradForms;
        using (enable_grad())
        {
            if (calls.Length > 0)
            {
                ComputeOutputGradients(errors, calls, examples, perExample);
                if (GramSeparability.Lookup(model, error) is null)
                {
                    var coupling = CheckSeparability(errors, calls, examples, perExample);
                    GramSeparability.Record(model, error, coupling);
                    if (coupling is not null)
                    {
                        throw new NotSupportedException($"The Gram path does not apply: {coupling}.");
                    }
                }
            }

            autogradForms = verifyCompleteness ? GramVerification.AutogradQuadraticForms(errors, plan, probe) : [];
        }

        if (calls.Length == 0 && autogradForms.All(f => f == 0))
        {
            throw new InvalidOperationException(
                $"None of the model's trainable layers influences the error vector ({TensorDescription.Describe(errors)}).");
        }

        // The Gram products are matrix products shaped like a training step's, so they run on the caller's thread with its
        // intra-op threads and scale with training: on one thread the 784-1024-1024-10 MLP's M (n = 512) took 2.2 training
        // steps, on the caller's two 1.6. Only eigh, whose many small parallel regions stall on busy cores, is confined to
        // one thread (ExactSpectralMeasure).
        // Each layer is accumulated on its own and checked against autograd before it joins M (GramVerification): a layer
        // reached outside module.call must send the batch to Lanczos, never into a wrong "exact" spectrum.
        var gram = zeros(new[] { n, n }, ScalarType.Float64, errors.device);
        using (no_grad())
        {
            var layerGram = verifyCompleteness ? zeros_like(gram) : gram;
            var r = probe.to_type(ScalarType.Float64);
            for (var l = 0; l < plan.Layers.Count; l++)
            {
                var layer = plan.Layers[l];
                var layerCalls = calls.Where(c => c.Layer == layer).ToArray();
                if (!verifyCompleteness)
                {
                    LayerGram.Accumulate(layer, layerCalls, examples, perExample, gram);
                    continue;
                }

                layerGram.zero_();
                LayerGram.Accumulate(layer, layerCalls, examples, perExample, layerGram);
                var (missed, usedTolerance) = GramVerification.Check(layer, layerCalls.Length, layerGram, r, autogradForms[l], errors.dtype);
                onLayerVerified?.Invoke(layer.Name, usedTolerance);
                if (missed is not null)
                {
                    throw new NotSupportedException($"The Gram path does not apply: {missed}.");
                }

                gram.add_(layerGram);
            }
        }

        var matrix = gram.div_(n);
        // Products in the model's dtype (LayerGram): M carries that dtype's round-off although it is accumulated in float64.
        var computeDtype = FloatPrecision.Coarsest(calls.Select(c => c.Output.dtype).Append(errors.dtype));
        return new MatrixErrorOperator(matrix, errors.detach().to_type(ScalarType.Float64), computeDtype);
    }

    /// <summary>
    /// One backward pass per error slot o with unit weights on entries (a, o): under separability its gradient at
    /// example a's part of a layer output is <c>∂e_{a,o}/∂z_a</c>. Stacked to <c>[n, …]</c>, example-major.
    /// </summary>
    private static void ComputeOutputGradients(Tensor errors, LayerCall[] calls, long examples, long perExample)
    {
        var outputs = calls.Select(c => c.Output).ToArray();
        var slots = new Tensor[perExample][];
        for (var o = 0; o < perExample; o++)
        {
            var unit = zeros(new[] { examples, perExample }, errors.dtype, errors.device);
            unit.select(1, o).fill_(1);
            var u = unit.reshape(-1);
            ErrorGraph.CheckGradOutput(errors, u);
            var grads = autograd.grad([errors], outputs, [u], retain_graph: true, create_graph: false, allow_unused: true);
            slots[o] = [.. grads.Select((g, j) => g.IsInvalid ? zeros_like(outputs[j]) : g)];
        }

        for (var j = 0; j < calls.Length; j++)
        {
            var parts = slots.Select(s => s[j]).ToArray();
            var stacked = perExample == 1 ? parts[0] : stack(parts, 1).reshape([examples * perExample, .. outputs[j].shape.Skip(1)]);
            calls[j].OutputGradient = stacked.detach().DetachFromDisposeScope();
        }
    }

    /// <summary>Null when the errors are separable to √ε; otherwise which layer output shows the coupling.</summary>
    private static string? CheckSeparability(Tensor errors, LayerCall[] calls, long examples, long perExample)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(0x5EED);
        var r = randn(new[] { examples * perExample }, errors.dtype, errors.device, generator: generator);
        var outputs = calls.Select(c => c.Output).ToArray();
        ErrorGraph.CheckGradOutput(errors, r);
        var grads = autograd.grad([errors], outputs, [r], retain_graph: true, create_graph: false, allow_unused: true);
        var tolerance = Math.Sqrt(finfo(errors.dtype).eps);
        for (var j = 0; j < calls.Length; j++)
        {
            var shape = outputs[j].shape;
            var perEntry = calls[j].OutputGradient!.reshape([examples, perExample, .. shape.Skip(1)]);
            var weights = r.reshape([examples, perExample, .. shape.Skip(1).Select(_ => 1L)]);
            var expected = (perEntry * weights).sum(1);
            var actual = grads[j].IsInvalid ? zeros_like(expected) : grads[j];
            var difference = (actual - expected).to_type(ScalarType.Float64).norm().item<double>();
            var size = actual.to_type(ScalarType.Float64).norm().item<double>() + expected.to_type(ScalarType.Float64).norm().item<double>();
            if (!(difference <= tolerance * size))
            {
                return $"the errors couple examples (the output gradient of layer '{calls[j].Layer.Name}' for one example depends on other examples' errors: relative difference {difference / Math.Max(size, double.Epsilon):E1} > √ε = {tolerance:E1}); batch statistics or batch mixing make J Jᵀ non-separable";
            }
        }

        return null;
    }
}
