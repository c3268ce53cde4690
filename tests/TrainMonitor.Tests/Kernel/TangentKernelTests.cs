using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Kernel;
using TrainMonitor.Operators;
using TrainMonitor.Operators.Gram;
using TrainMonitor.Probing;
using TrainMonitor.Tests.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Kernel;

/// <summary>
/// The kernel a model probe sketches is the tangent kernel of the model's outputs (projected on the fixed Rademacher r),
/// checked against a Jacobian built by one backward() per output entry, and it stays exactly still when only a linear head
/// trains, while the cross-entropy error operator of the same probes moves.
/// </summary>
public sealed class TangentKernelTests
{
    private const int Vectors = 4;
    private const int Seed = 20_201;

    /// <summary>K_r = J_r J_rᵀ / n, J_r by <see cref="ReferenceJacobian"/> on rᵀf written out here.</summary>
    private static (Tensor Kernel, Tensor Outputs) ReferenceKernel(Func<nn.Module<Tensor, Tensor>> makeCopy, nn.Module<Tensor, Tensor> model, Tensor input,
        Tensor target, int width)
    {
        var r = tensor(TangentKernelOutputs.Signs(Seed, width), dtype: ScalarType.Float64);
        var projected = ErrorFunctions.Custom("r·f", (output, _) => (output * r).sum(-1).reshape(-1));
        var jacobian = ReferenceJacobian.Compute(makeCopy, model, input, target, projected);
        var n = jacobian.shape[0];
        Tensor outputs;
        using (no_grad())
        {
            outputs = (model.call(input) * r).sum(-1).reshape(-1);
        }

        return (jacobian.matmul(jacobian.T) / n, outputs);
    }

    private static KernelSketch SketchOf(Tensor kernel, Tensor outputs)
    {
        using var op = new MatrixErrorOperator(kernel, outputs);
        return KernelSketch.Capture([op], Vectors, Seed);
    }

    [Theory]
    [InlineData(ProbeMethod.Exact)]
    [InlineData(ProbeMethod.Gram)]
    [InlineData(ProbeMethod.Lanczos)]
    public void A_model_probe_sketches_the_tangent_kernel_of_its_projected_outputs_on_every_path(ProbeMethod method)
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Mlp(3);
        var (x, _, classes) = TestModels.MlpBatch(4);
        var result = SpectralProbe.Run(model, [new ProbeBatch(x, classes)], ErrorFunctions.CrossEntropy,
            new SpectralProbeOptions { Method = method, SketchVectors = Vectors, SketchSeed = Seed });

        var (kernel, outputs) = ReferenceKernel(() => TestModels.Mlp(3), model, x, classes, width: 3);
        var reference = SketchOf(kernel, outputs);

        // Float64 throughout: the paths differ from the reference by the round-off of a few products of O(1) numbers.
        var measured = tensor(result.Sketch!.CopyBatchSketch(0));
        var expected = tensor(reference.CopyBatchSketch(0));
        Assert.True(Numerics.RelativeError(measured, expected) < 1e-10, $"sketch relative error {Numerics.RelativeError(measured, expected):E2}");
        Assert.Equal(0.0, KernelSketch.OutputChange(reference, result.Sketch), 12);
        Assert.True(KernelSketch.Distance(reference, result.Sketch) < 1e-12);
    }

    [Theory]
    [InlineData(ProbeMethod.Gram, true)]
    [InlineData(ProbeMethod.Gram, false)]
    [InlineData(ProbeMethod.Lanczos, true)]
    [InlineData(ProbeMethod.Exact, false)]
    public void Squared_error_on_one_output_per_example_sketches_the_error_operator_as_the_tangent_kernel(ProbeMethod method, bool columnOutput)
    {
        // Output [N, 1] (projected on r's one sign) or [N]: the probe sketches M itself instead of a second operator; the
        // sketch and the outputs must be the tangent kernel's, as the reference builds them from rᵀf.
        using var scope = NewDisposeScope();
        nn.Module<Tensor, Tensor> Make()
        {
            manual_seed(9);
            var body = nn.Sequential(("fc1", nn.Linear(4, 8, dtype: ScalarType.Float64)), ("act", nn.Tanh()), ("fc2", nn.Linear(8, 1, dtype: ScalarType.Float64)));
            return columnOutput ? body : nn.Sequential(("body", body), ("flat", nn.Flatten(0)));
        }

        using var model = Make();
        manual_seed(10);
        var x = randn(6, 4, dtype: ScalarType.Float64);
        var y = columnOutput ? randn(6, 1, dtype: ScalarType.Float64) : randn(6, dtype: ScalarType.Float64);
        var options = new SpectralProbeOptions { Method = method, SketchVectors = Vectors, SketchSeed = Seed };
        var shortcut = SpectralProbe.Run(model, [new ProbeBatch(x, y)], ErrorFunctions.SquaredError, options);
        // The same squared error under another name takes the separate tangent-kernel operator.
        var squared = ErrorFunctions.Custom("squared, separately", (output, target) => (output - target).reshape(-1));
        var separate = SpectralProbe.Run(model, [new ProbeBatch(x, y)], squared, options);

        // The reference projection: rᵀf over the last dimension for [N, 1]; a 1-D output as it is (TangentKernelOutputs).
        var r = tensor(TangentKernelOutputs.Signs(Seed, 1), dtype: ScalarType.Float64);
        Tensor Project(Tensor output) => columnOutput ? (output * r).sum(-1).reshape(-1) : output.reshape(-1);
        var jacobian = ReferenceJacobian.Compute(Make, model, x, y, ErrorFunctions.Custom("r·f", (output, _) => Project(output)));
        Tensor outputs;
        using (no_grad())
        {
            outputs = Project(model.call(x));
        }

        var reference = SketchOf(jacobian.matmul(jacobian.T) / jacobian.shape[0], outputs);
        foreach (var result in new[] { shortcut, separate })
        {
            var measured = tensor(result.Sketch!.CopyBatchSketch(0));
            var expected = tensor(reference.CopyBatchSketch(0));
            Assert.True(Numerics.RelativeError(measured, expected) < 1e-10, $"sketch relative error {Numerics.RelativeError(measured, expected):E2}");
            Assert.Equal(0.0, KernelSketch.OutputChange(reference, result.Sketch), 12);
        }
    }

    [Fact]
    public void The_error_operator_stands_for_the_tangent_kernel_only_for_the_built_in_squared_error_on_one_output_per_example()
    {
        using var scope = NewDisposeScope();
        Assert.True(ScalarOutputKernel.Applies(ErrorFunctions.SquaredError, zeros(6)));
        Assert.True(ScalarOutputKernel.Applies(ErrorFunctions.SquaredError, zeros(6, 1)));
        Assert.False(ScalarOutputKernel.Applies(ErrorFunctions.SquaredError, zeros(6, 2)));
        Assert.False(ScalarOutputKernel.Applies(ErrorFunctions.SquaredError, zeros(6, 1, 1)));
        Assert.False(ScalarOutputKernel.Applies(ErrorFunctions.CrossEntropy, zeros(6, dtype: ScalarType.Int64)));
        Assert.False(ScalarOutputKernel.Applies(ErrorFunctions.Custom("mine", (o, t) => (o - t).reshape(-1)), zeros(6)));
    }

    [Fact]
    public void A_sequence_models_kernel_has_one_entry_per_token_in_example_major_order()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Attention(5);
        var (x, _, tokens) = TestModels.AttentionBatch(6);
        var result = SpectralProbe.Run(model, [new ProbeBatch(x, tokens)], ErrorFunctions.CrossEntropyPerToken,
            new SpectralProbeOptions { Method = ProbeMethod.Lanczos, SketchVectors = Vectors, SketchSeed = Seed });

        var (kernel, outputs) = ReferenceKernel(() => TestModels.Attention(5), model, x, tokens, width: 5);
        Assert.Equal(2 * 4, kernel.shape[0]);
        var measured = tensor(result.Sketch!.CopyBatchSketch(0));
        var expected = tensor(SketchOf(kernel, outputs).CopyBatchSketch(0));
        Assert.True(Numerics.RelativeError(measured, expected) < 1e-10, $"sketch relative error {Numerics.RelativeError(measured, expected):E2}");
    }

    [Fact]
    public void A_frozen_body_with_a_trained_head_keeps_its_tangent_kernel_while_its_cross_entropy_error_operator_moves()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Mlp(7);
        var (x, _, classes) = TestModels.MlpBatch(8);
        var body = model.named_parameters().Where(p => !p.name.StartsWith("fc2", StringComparison.Ordinal)).Select(p => p.parameter).ToArray();
        var head = model.named_parameters().Where(p => p.name.StartsWith("fc2", StringComparison.Ordinal)).Select(p => p.parameter).ToArray();
        foreach (var p in body)
        {
            p.requires_grad = false;
        }

        var options = new SpectralProbeOptions { Method = ProbeMethod.Gram, SketchVectors = Vectors, SketchSeed = Seed };
        var batches = new[] { new ProbeBatch(x, classes) };
        var before = SpectralProbe.Run(model, batches, ErrorFunctions.CrossEntropy, options);
        var errorBefore = ErrorOperatorSketch(model, x, classes);
        using (no_grad())
        {
            // A step of the head alone: the model stays linear in its trained parameters.
            foreach (var p in head)
            {
                p.add_(randn_like(p) * 0.5);
            }
        }

        var after = SpectralProbe.Run(model, batches, ErrorFunctions.CrossEntropy, options);
        var errorAfter = ErrorOperatorSketch(model, x, classes);

        // K_r = Φ Φᵀ-type products of the frozen features only: the same numbers, bit for bit.
        Assert.Equal(0.0, KernelSketch.Distance(before.Sketch!, after.Sketch!));
        Assert.True(KernelSketch.OutputChange(before.Sketch!, after.Sketch!) > 0.05, "the function moved");
        // M = J_e J_eᵀ with J_e = −(onehot − p)ᵀ J_f moves with the softmax: the kernel the issue found misleading.
        Assert.True(KernelSketch.Distance(errorBefore, errorAfter) > 1e-3, $"error-operator distance {KernelSketch.Distance(errorBefore, errorAfter):E2}");
    }

    private static KernelSketch ErrorOperatorSketch(nn.Module<Tensor, Tensor> model, Tensor x, Tensor classes)
    {
        using var op = GramErrorOperator.ForModel(model, x, classes, ErrorFunctions.CrossEntropy);
        return KernelSketch.Capture([op], Vectors, Seed);
    }

    [Fact]
    public void The_projection_is_a_fixed_rademacher_vector_that_leaves_one_dimensional_outputs_as_they_are()
    {
        var signs = TangentKernelOutputs.Signs(Seed, 64);
        Assert.All(signs, s => Assert.True(s is 1.0 or -1.0));
        Assert.Equal(signs, TangentKernelOutputs.Signs(Seed, 64));
        Assert.NotEqual(signs, TangentKernelOutputs.Signs(Seed + 1, 64));
        Assert.InRange(signs.Sum(), -24, 24); // a fair ±1 draw: |Σ| beyond 3σ = 24 would be a broken generator

        using var scope = NewDisposeScope();
        var column = tensor(new[] { 1.0, 2.0, 3.0 });
        Assert.Equal(new[] { 1.0, 2.0, 3.0 }, TangentKernelOutputs.Project(column, Seed).data<double>().ToArray());
        var matrix = tensor(new[] { 1.0, 2.0, 3.0, 4.0 }, [2, 2]);
        var r = TangentKernelOutputs.Signs(Seed, 2);
        Assert.Equal(new[] { r[0] + 2 * r[1], 3 * r[0] + 4 * r[1] }, TangentKernelOutputs.Project(matrix, Seed).data<double>().ToArray());
    }
}
