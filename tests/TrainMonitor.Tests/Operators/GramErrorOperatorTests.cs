using TorchSharp;
using TorchSharp.Modules;
using TrainMonitor.Errors;
using TrainMonitor.Operators;
using TrainMonitor.Operators.Gram;
using TrainMonitor.Probing;
using TrainMonitor.Spectral;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Operators;

/// <summary>
/// The Gram path's M against the explicit-Jacobian M (n reverse-mode passes, an independent route) on float64
/// models, for each supported layer type and for mixed models, and its detection of models it does not fit.
/// </summary>
/// <remarks>
/// Tolerance: both sides are float64 sums of P products per entry (P = trainable parameters), so each entry is
/// within about P·ε·‖J_i‖‖J_j‖ of the exact value; ‖ΔM‖_F ≤ P·ε·‖M‖_F-ish is the worst case and the tests assert
/// the Frobenius-relative difference below P·ε (round-off typically gives √P·ε, 10–100× less).
/// </remarks>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class GramErrorOperatorTests
{
    private const ScalarType F64 = ScalarType.Float64;

    [Fact]
    public void MlpWithCrossEntropyMatchesTheExplicitJacobian()
    {
        manual_seed(21);
        var model = nn.Sequential(("fc1", nn.Linear(7, 16, dtype: F64)), ("act", nn.GELU()), ("fc2", nn.Linear(16, 4, dtype: F64)));
        var x = randn(20, 7, dtype: F64);
        var y = randint(0, 4, [20]);
        AssertGramMatchesExplicit(model, x, y, ErrorFunctions.CrossEntropy);
    }

    [Fact]
    public void SquaredErrorWithSeveralOutputsPerExampleMatches()
    {
        // k = 3 error entries per example: three backward passes, entries example-major.
        manual_seed(22);
        var model = nn.Sequential(("fc1", nn.Linear(5, 12, dtype: F64)), ("act", nn.Tanh()), ("fc2", nn.Linear(12, 3, dtype: F64)));
        var x = randn(9, 5, dtype: F64);
        var y = randn(9, 3, dtype: F64);
        AssertGramMatchesExplicit(model, x, y, ErrorFunctions.SquaredError);
    }

    [Fact]
    public void LinearOnSequencesMatchesThroughTheTokenKernels()
    {
        // d_in·d_out = 600 per entry is larger than (nT)² / n = 24: the token-kernel route.
        manual_seed(23);
        var model = new PooledSequenceModel(nn.Linear(20, 30, dtype: F64), nn.Linear(30, 2, dtype: F64));
        var x = randn(6, 4, 20, dtype: F64);
        var y = randn(6, 2, dtype: F64);
        AssertGramMatchesExplicit(model, x, y, ErrorFunctions.SquaredError);
    }

    [Fact]
    public void LinearOnSequencesMatchesThroughPerExampleGradients()
    {
        // d_in·d_out = 12 per entry is smaller than (nT)² / n = 6·25: the per-example route.
        manual_seed(24);
        var model = new PooledSequenceModel(nn.Linear(3, 4, dtype: F64), nn.Linear(4, 2, dtype: F64));
        var x = randn(6, 25, 3, dtype: F64);
        var y = randn(6, 2, dtype: F64);
        AssertGramMatchesExplicit(model, x, y, ErrorFunctions.SquaredError);
    }

    [Fact]
    public void Conv2dWithPaddingStrideAndDilationMatches()
    {
        manual_seed(25);
        var model = nn.Sequential(
            ("conv1", nn.Conv2d(2, 3, (3L, 3L), stride: (2L, 1L), padding: (1L, 2L), dilation: (1L, 2L), dtype: F64)),
            ("relu", nn.ReLU(inplace: true)),
            ("conv2", nn.Conv2d(3, 4, 2, dtype: F64)),
            ("flat", nn.Flatten()),
            ("fc", nn.Linear(4 * 3 * 7, 3, dtype: F64)));
        var x = randn(7, 2, 7, 8, dtype: F64);
        var y = randint(0, 3, [7]);
        AssertGramMatchesExplicit(model, x, y, ErrorFunctions.CrossEntropy);
    }

    [Fact]
    public void Conv2dWithSamePaddingAndAnEvenKernelMatches()
    {
        // "same" with an even kernel pads asymmetrically (the odd unit right/bottom), which unfold alone cannot express.
        manual_seed(26);
        var model = nn.Sequential(
            ("conv", nn.Conv2d(1, 2, (2L, 4L), padding: Padding.Same, dtype: F64)),
            ("act", nn.Tanh()),
            ("flat", nn.Flatten()),
            ("fc", nn.Linear(2 * 5 * 5, 2, dtype: F64)));
        var x = randn(6, 1, 5, 5, dtype: F64);
        var y = randn(6, 2, dtype: F64);
        AssertGramMatchesExplicit(model, x, y, ErrorFunctions.SquaredError);
    }

    [Fact]
    public void LayerNormOnSequencesMatches()
    {
        manual_seed(27);
        var model = new PooledSequenceModel(nn.LayerNorm(5, dtype: F64), nn.Linear(5, 3, dtype: F64));
        using (no_grad())
        {
            // Non-trivial affine parameters, so γ and β terms are both exercised away from their initial values.
            foreach (var p in model.parameters())
            {
                p.add_(randn(p.shape, dtype: F64) * 0.3);
            }
        }

        var x = randn(8, 3, 5, dtype: F64) * 2 + 1;
        var y = randint(0, 3, [8]);
        AssertGramMatchesExplicit(model, x, y, ErrorFunctions.CrossEntropy);
    }

    [Fact]
    public void EmbeddingWithAPaddingIndexMatches()
    {
        manual_seed(28);
        var model = new PooledSequenceModel(nn.Embedding(11, 6, padding_idx: 0, dtype: F64), nn.Linear(6, 2, dtype: F64));
        var x = randint(0, 11, [9, 7]);
        x[0, 0] = tensor(0L);
        x[3, 2] = tensor(0L);
        var y = randn(9, 2, dtype: F64);
        AssertGramMatchesExplicit(model, x, y, ErrorFunctions.SquaredError);
    }

    [Fact]
    public void MixedTokenModelWithPerTokenErrorsMatches()
    {
        // Embedding → Linear → causal running mean (mixes positions inside an example) → LayerNorm → Linear head
        // → one error per token (k = T); a module called twice (weight reuse across calls); a frozen bias.
        manual_seed(29);
        var model = new MixedTokenModel(vocabulary: 13, width: 8);
        model.Mix.bias!.requires_grad = false;
        var x = randint(0, 13, [5, 6]);
        var y = randint(0, 13, [5, 6]);
        AssertGramMatchesExplicit(model, x, y, ErrorFunctions.CrossEntropyPerToken);
    }

    [Fact]
    public void ModelsOutsideThePathAreDetectedBeforeAnyForwardPass()
    {
        manual_seed(30);
        var batchNorm = TestModels.MlpWithBatchNormAndDropout(30);
        Assert.Contains("BatchNorm1d", GramErrorOperator.UnsupportedReason(batchNorm));

        var tied = new TiedModel();
        Assert.Contains("shared", GramErrorOperator.UnsupportedReason(tied));

        var grouped = nn.Sequential(("conv", nn.Conv2d(2, 2, 3, groups: 2, dtype: F64)), ("flat", nn.Flatten()));
        Assert.Contains("groups", GramErrorOperator.UnsupportedReason(grouped));

        var attention = TestModels.Attention(31);
        Assert.Null(GramErrorOperator.UnsupportedReason(attention));

        var x = randn(4, 4, dtype: F64);
        var y = randn(4, 2, dtype: F64);
        var ex = Assert.Throws<NotSupportedException>(() => GramErrorOperator.ForModel(batchNorm, x, y, ErrorFunctions.SquaredError));
        Assert.Contains("BatchNorm1d", ex.Message);
    }

    [Fact]
    public void CouplingAcrossTheBatchIsDetectedAndAutoFallsBackToLanczos()
    {
        manual_seed(32);
        var model = new BatchCentredModel();
        var x = randn(10, 4, dtype: F64);
        var y = randn(10, 2, dtype: F64);
        Assert.Null(GramErrorOperator.UnsupportedReason(model));
        var ex = Assert.Throws<NotSupportedException>(() => GramErrorOperator.ForModel(model, x, y, ErrorFunctions.SquaredError));
        Assert.Contains("couple examples", ex.Message);

        // The verdict is remembered: the second attempt refuses before the forward pass, with the same reason.
        var again = Assert.Throws<NotSupportedException>(() => GramErrorOperator.ForModel(model, x, y, ErrorFunctions.SquaredError));
        Assert.Contains("couple examples", again.Message);

        using var probeSet = ProbeSet.FromTensors(x, y, batchSize: 10);
        var result = SpectralProbe.Run(model, probeSet.Batches, ErrorFunctions.SquaredError, new SpectralProbeOptions { Method = ProbeMethod.Auto, SketchVectors = 0 });
        Assert.Equal([ProbeMethod.Lanczos], result.Methods);
        Assert.Contains("couple examples", result.GramUnavailableReason);
    }

    [Theory]
    [InlineData(OutsideCall.Forward)]
    [InlineData(OutsideCall.Functional)]
    [InlineData(OutsideCall.CallAndForward)]
    [InlineData(OutsideCall.Everything)]
    public void LayersReachedOutsideCallSendAutoToLanczosNamingTheLayer(OutsideCall style)
    {
        // The structural check passes (only Linear layers) and the errors are separable, so without the completeness check
        // the Gram path would return M without (part of) the head's contribution, labelled exact.
        manual_seed(37);
        var model = new OutsideCallModel(style);
        Assert.Null(GramErrorOperator.UnsupportedReason(model));
        var x = randn(16, 5, dtype: F64);
        var y = randint(0, 3, [16]);
        var ex = Assert.Throws<NotSupportedException>(() => GramErrorOperator.ForModel(model, x, y, ErrorFunctions.CrossEntropy));
        Assert.Contains(style == OutsideCall.Everything ? "'hidden'" : "'head'", ex.Message);
        Assert.Contains("module.call", ex.Message);

        using var probeSet = ProbeSet.FromTensors(x, y, batchSize: 16);
        var options = new SpectralProbeOptions { Method = ProbeMethod.Auto, SketchVectors = 0, LanczosSteps = 16 };
        var auto = SpectralProbe.Run(model, probeSet.Batches, ErrorFunctions.CrossEntropy, options);
        Assert.Equal([ProbeMethod.Lanczos], auto.Methods);
        Assert.Contains("module.call", auto.GramUnavailableReason);

        // The fallback's answer is the true spectrum: Lanczos with m = n breaks down on M's invariant subspace, so its
        // λ_max matches the explicit-Jacobian M's to round-off (the wrong Gram M's would be far off).
        using var exact = ExactErrorOperator.ForModel(model, x, y, ErrorFunctions.CrossEntropy);
        var lambdaMax = linalg.eigvalsh(exact.Matrix).max().item<double>();
        Assert.Equal(lambdaMax, auto.LambdaMax, lambdaMax * 1e-10);
    }

    [Fact]
    public void Float32ModelsPassTheCompletenessCheckAndMatchTheExplicitJacobian()
    {
        // The completeness check must not refuse intact float32 models: both of its sides carry float32 round-off
        // (≈ 1e-7 relative) against a threshold of √ε₃₂ = 3.5e-4. M itself agrees with the explicit route to float32 round-off.
        var cases = new (nn.Module<Tensor, Tensor> Model, Tensor Input, Tensor Target, ErrorFunction Error)[]
        {
            (TestModels.Mlp(38), TestModels.MlpBatch(38).Input, TestModels.MlpBatch(38).Classes, ErrorFunctions.CrossEntropy),
            (TestModels.Cnn(39), TestModels.CnnBatch(39).Input, TestModels.CnnBatch(39).RegressionTarget, ErrorFunctions.SquaredError),
            (TestModels.Attention(40), TestModels.AttentionBatch(40).Input, TestModels.AttentionBatch(40).Classes, ErrorFunctions.CrossEntropyPerToken),
        };
        foreach (var (model, input, target, error) in cases)
        {
            model.to(ScalarType.Float32);
            var x = input.is_floating_point() ? input.to_type(ScalarType.Float32) : input;
            var y = target.is_floating_point() ? target.to_type(ScalarType.Float32) : target;
            using var scope = NewDisposeScope();
            using var gram = GramErrorOperator.ForModel(model, x, y, error);
            using var explicitM = ExactErrorOperator.ForModel(model, x, y, error);
            var difference = Numerics.RelativeError(gram.Matrix, explicitM.Matrix.to_type(F64));
            // The class's P·ε bound with ε of float32: both routes are sums of P float32 products per entry.
            var tolerance = model.parameters().Where(p => p.requires_grad).Sum(p => p.numel()) * (double)finfo(ScalarType.Float32).eps;
            Assert.True(difference <= tolerance, $"{model.GetType().Name}: ‖M_gram − M_explicit‖_F / ‖M‖_F = {difference:E2} > P·ε₃₂ = {tolerance:E2}");
        }
    }

    [Fact]
    public void AttentionModelThroughSdpaMatches()
    {
        // Positions mix through attention, examples do not: separable, so the Gram path applies and is exact.
        var model = TestModels.Attention(33);
        var (x, _, classes) = TestModels.AttentionBatch(34);
        AssertGramMatchesExplicit(model, x, classes, ErrorFunctions.CrossEntropyPerToken);
    }

    [Fact]
    public void GramProbeEqualsTheExactProbeShellByShell()
    {
        manual_seed(35);
        var model = nn.Sequential(("fc1", nn.Linear(6, 24, dtype: F64)), ("act", nn.GELU()), ("fc2", nn.Linear(24, 3, dtype: F64)));
        var x = randn(40, 6, dtype: F64);
        var y = randint(0, 3, [40]);
        using var probeSet = ProbeSet.FromTensors(x, y, batchSize: 20);
        var options = new SpectralProbeOptions { SketchVectors = 4 };
        options.Method = ProbeMethod.Exact;
        var exact = SpectralProbe.Run(model, probeSet.Batches, ErrorFunctions.CrossEntropy, options);
        options.Method = ProbeMethod.Auto;
        var gram = SpectralProbe.Run(model, probeSet.Batches, ErrorFunctions.CrossEntropy, options);

        Assert.Equal([ProbeMethod.Gram, ProbeMethod.Gram], gram.Methods);
        Assert.Null(gram.GramUnavailableReason);
        var total = exact.ErrorEnergy;
        Assert.Equal(total, gram.ErrorEnergy, total * 1e-12);
        Assert.Equal(exact.LambdaMax, gram.LambdaMax, exact.LambdaMax * 1e-12);
        Assert.Equal(exact.Profile.Shells.Select(s => s.Index), gram.Profile.Shells.Select(s => s.Index));
        foreach (var (a, b) in exact.Profile.Shells.Zip(gram.Profile.Shells))
        {
            Assert.True(Math.Abs(a.Estimate - b.Estimate) <= 1e-10 * total, $"shell {a.Index}: exact {a.Estimate:E6}, Gram {b.Estimate:E6}");
            // An exact measure has collapsed bounds: lower = estimate = upper, up to nodes within round-off of an edge.
            Assert.True(b.Upper - b.Lower <= 1e-12 * total, $"shell {b.Index}: bounds [{b.Lower:E6}, {b.Upper:E6}]");
        }

        Assert.NotNull(gram.Sketch);
    }

    [Fact]
    public void ReconstructedJacobiMatrixEqualsLanczosOnTheDiagonalOperator()
    {
        // Lanczos on diag(λ) from a start vector with squared components ∝ w produces the Jacobi matrix of Σ w δ_λ;
        // the O(k²) reconstruction must give the same coefficients, and its Gauss rule is the measure itself.
        var generator = new Generator(36);
        const int k = 12;
        var nodes = rand(k, F64, generator: generator).sort().Values.mul(5).data<double>().ToArray();
        var weights = rand(k, F64, generator: generator).add(0.05).data<double>().ToArray();
        var jacobi = JacobiMatrix.FromDiscreteMeasure(nodes, weights);

        var mass = weights.Sum();
        var error = tensor(weights.Select(w => Math.Sqrt(w * k)).ToArray(), F64);
        using var op = new MatrixErrorOperator(diag(tensor(nodes, F64)), error);
        var lanczos = LanczosIteration.Run(op, new LanczosOptions { Steps = k });

        Assert.True(jacobi.BrokeDown);
        Assert.Equal(mass, jacobi.Mass, mass * 1e-14);
        for (var i = 0; i < k; i++)
        {
            Assert.Equal(lanczos.Alpha[i], jacobi.Alpha[i], 1e-12 * 5);
            if (i + 1 < k)
            {
                Assert.Equal(lanczos.Beta[i], jacobi.Beta[i], 1e-12 * 5);
            }
        }

        Assert.Equal(nodes, jacobi.GaussRule().Nodes);
        Assert.Equal(weights, jacobi.GaussRule().Weights);
    }

    private static void AssertGramMatchesExplicit(nn.Module<Tensor, Tensor> model, Tensor input, Tensor target, ErrorFunction error)
    {
        using var scope = NewDisposeScope();
        using var gram = GramErrorOperator.ForModel(model, input, target, error);
        using var exact = ExactErrorOperator.ForModel(model, input, target, error);
        var parameters = model.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
        var tolerance = parameters * 2.220446049250313e-16;
        var difference = Numerics.RelativeError(gram.Matrix, exact.Matrix);
        Assert.True(difference <= tolerance, $"‖M_gram − M_explicit‖_F / ‖M_explicit‖_F = {difference:E2} > P·ε = {tolerance:E2}");
        Assert.True(exact.Matrix.norm().item<double>() > 0);
        Assert.Equal(0, Numerics.RelativeError(gram.Error, exact.Error), 15);
    }

    /// <summary>First layer on every position, mean over positions, then a head: one prediction per example.</summary>
    private sealed class PooledSequenceModel : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> first;
        private readonly nn.Module<Tensor, Tensor> head;

        public PooledSequenceModel(nn.Module<Tensor, Tensor> first, nn.Module<Tensor, Tensor> head)
            : base(nameof(PooledSequenceModel))
        {
            this.first = first;
            this.head = head;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => head.call(nn.functional.gelu(first.call(x)).mean([1]));
    }

    private sealed class MixedTokenModel : nn.Module<Tensor, Tensor>
    {
        private readonly Embedding tokens;
        private readonly Linear mix;
        private readonly LayerNorm norm;
        private readonly Linear head;

        public MixedTokenModel(int vocabulary, int width)
            : base(nameof(MixedTokenModel))
        {
            tokens = nn.Embedding(vocabulary, width, dtype: F64);
            mix = nn.Linear(width, width, dtype: F64);
            norm = nn.LayerNorm(width, dtype: F64);
            head = nn.Linear(width, vocabulary, dtype: F64);
            RegisterComponents();
        }

        public Linear Mix => mix;

        public override Tensor forward(Tensor idx)
        {
            var h = tokens.call(idx);
            h = h + nn.functional.gelu(mix.call(h));
            var counts = arange(1, h.shape[1] + 1, dtype: F64).reshape(1, -1, 1);
            h = h.cumsum(1) / counts;
            h = mix.call(norm.call(h));
            return head.call(h);
        }
    }

    private sealed class TiedModel : nn.Module<Tensor, Tensor>
    {
        private readonly Embedding tokens;
        private readonly Linear head;

        public TiedModel()
            : base(nameof(TiedModel))
        {
            tokens = nn.Embedding(5, 3, dtype: F64);
            head = nn.Linear(3, 5, hasBias: false, dtype: F64);
            head.weight = tokens.weight!;
            RegisterComponents();
        }

        public override Tensor forward(Tensor idx) => head.call(tokens.call(idx));
    }

    public enum OutsideCall
    {
        /// <summary>The head is invoked as <c>head.forward(h)</c>.</summary>
        Forward,

        /// <summary>The head's weights are used through <c>nn.functional.linear</c>.</summary>
        Functional,

        /// <summary>The head is called twice, once through <c>call</c> and once through <c>forward</c>.</summary>
        CallAndForward,

        /// <summary>No layer is invoked through <c>call</c>.</summary>
        Everything,
    }

    private sealed class OutsideCallModel : nn.Module<Tensor, Tensor>
    {
        private readonly OutsideCall style;
        private readonly Linear hidden = nn.Linear(5, 3, dtype: F64);
        private readonly Linear head = nn.Linear(3, 3, dtype: F64);

        public OutsideCallModel(OutsideCall style)
            : base(nameof(OutsideCallModel))
        {
            this.style = style;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var h = nn.functional.tanh(style == OutsideCall.Everything ? hidden.forward(x) : hidden.call(x));
            return style switch
            {
                OutsideCall.Forward or OutsideCall.Everything => head.forward(h),
                OutsideCall.Functional => nn.functional.linear(h, head.weight!, head.bias),
                _ => head.forward(nn.functional.tanh(head.call(h))),
            };
        }
    }

    /// <summary>Subtracts the batch mean of the hidden layer: every error depends on every example.</summary>
    private sealed class BatchCentredModel : nn.Module<Tensor, Tensor>
    {
        private readonly Linear fc1 = nn.Linear(4, 6, dtype: F64);
        private readonly Linear fc2 = nn.Linear(6, 2, dtype: F64);

        public BatchCentredModel()
            : base(nameof(BatchCentredModel)) => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            var h = fc1.call(x);
            return fc2.call(nn.functional.tanh(h - h.mean([0], keepdim: true)));
        }
    }
}
