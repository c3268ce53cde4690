using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Operators.Gram;
using TrainMonitor.Probing;
using TrainMonitor.Tests.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Probing;

/// <summary>
/// Which method each batch of a model probe used and why Auto fell back, as recorded in
/// <see cref="SpectralProbeResult.Methods"/> and <see cref="SpectralProbeResult.GramUnavailableReason"/> (the values
/// snapshots, logs and JSON lines carry): one test per branch of the choice and per fallback reason.
/// </summary>
/// <remarks>
/// The model is <see cref="TestModels.Mlp"/> (Linear, LayerNorm, GELU, Linear: the Gram path applies) with squared error
/// on 3 outputs, so a batch of N examples has n = 3N errors: the two Gram size limits (examples, errors) can be hit apart.
/// </remarks>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class ProbeMethodSelectionTests
{
    [Theory]
    [InlineData(ProbeMethod.Lanczos)]
    [InlineData(ProbeMethod.Exact)]
    [InlineData(ProbeMethod.Gram)]
    public void AnExplicitMethodIsUsedForEveryBatchWithoutAFallbackReason(ProbeMethod method)
    {
        using var scope = NewDisposeScope();
        var result = Probe(TestModels.Mlp(1), Batches(20, 10), new SpectralProbeOptions { Method = method });

        Assert.Equal([method, method], result.Methods);
        Assert.Null(result.GramUnavailableReason);
    }

    [Fact]
    public void AutoTakesGramWhereItApplies()
    {
        using var scope = NewDisposeScope();
        var result = Probe(TestModels.Mlp(1), Batches(20, 10), new SpectralProbeOptions { Method = ProbeMethod.Auto });

        Assert.Equal([ProbeMethod.Gram, ProbeMethod.Gram], result.Methods);
        Assert.Null(result.GramUnavailableReason);
    }

    [Fact]
    public void AutoFallsBackToLanczosOnAnUnsupportedLayerGivingTheStructuralReason()
    {
        using var scope = NewDisposeScope();
        var model = TestModels.MlpWithBatchNormAndDropout(2);
        var structural = GramErrorOperator.UnsupportedReason(model);
        Assert.NotNull(structural);

        var result = Probe(model, Batches(20, 10, outputs: 2), new SpectralProbeOptions { Method = ProbeMethod.Auto });

        Assert.Equal([ProbeMethod.Lanczos, ProbeMethod.Lanczos], result.Methods);
        Assert.Equal($"The Gram path does not apply: {structural}.", result.GramUnavailableReason);
    }

    [Fact]
    public void GramOnAnUnsupportedLayerFailsInsteadOfFallingBack()
    {
        using var scope = NewDisposeScope();
        var model = TestModels.MlpWithBatchNormAndDropout(2);

        var ex = Assert.Throws<NotSupportedException>(() =>
            Probe(model, Batches(20, 10, outputs: 2), new SpectralProbeOptions { Method = ProbeMethod.Gram }));
        Assert.Equal($"The Gram path does not apply: {GramErrorOperator.UnsupportedReason(model)}.", ex.Message);
    }

    /// <remarks>
    /// 20 examples > 15: the example limit; 10 examples ≤ 15 but 30 errors > 15: the error limit (the first reason is
    /// kept); 60 errors > 45 but 30 ≤ 45: only that batch falls back, and its reason is reported even after a Gram batch.
    /// </remarks>
    [Theory]
    [InlineData(20, 10, 15, ProbeMethod.Lanczos, ProbeMethod.Lanczos, "The batch has 20 examples, more than the Gram path's limit of 15 errors.")]
    [InlineData(10, 20, 15, ProbeMethod.Lanczos, ProbeMethod.Lanczos, "The batch has 30 errors, more than the Gram path's limit of 15.")]
    [InlineData(20, 10, 45, ProbeMethod.Lanczos, ProbeMethod.Gram, "The batch has 60 errors, more than the Gram path's limit of 45.")]
    [InlineData(10, 20, 45, ProbeMethod.Gram, ProbeMethod.Lanczos, "The batch has 60 errors, more than the Gram path's limit of 45.")]
    public void AutoOverAGramSizeLimitFallsBackPerBatchAndReportsTheFirstReason(int first, int second, int limit,
        ProbeMethod firstMethod, ProbeMethod secondMethod, string reason)
    {
        using var scope = NewDisposeScope();
        var result = Probe(TestModels.Mlp(1), Batches(first, second), new SpectralProbeOptions { Method = ProbeMethod.Auto, GramMaxBatchSize = limit });

        Assert.Equal([firstMethod, secondMethod], result.Methods);
        Assert.Equal(reason, result.GramUnavailableReason);
    }

    [Fact]
    public void ExactOverItsLimitFailsInsteadOfFallingBack()
    {
        using var scope = NewDisposeScope();

        Assert.Throws<InvalidOperationException>(() =>
            Probe(TestModels.Mlp(1), Batches(20, 10), new SpectralProbeOptions { Method = ProbeMethod.Exact, ExactMaxBatchSize = 45 }));
    }

    [Fact]
    public void ANullBatchIsRejectedBeforeAnyForwardPass()
    {
        using var scope = NewDisposeScope();
        var batches = Batches(20, 10).Append(null!).ToArray();

        var ex = Assert.Throws<ArgumentException>(() => Probe(TestModels.Mlp(1), batches, new SpectralProbeOptions()));
        Assert.StartsWith("Probe batch 2 is null.", ex.Message);
        Assert.Equal("batches", ex.ParamName);
    }

    [Fact]
    public void AProbeWithoutBatchesIsRejected()
    {
        using var scope = NewDisposeScope();

        var ex = Assert.Throws<ArgumentException>(() => Probe(TestModels.Mlp(1), [], new SpectralProbeOptions()));
        Assert.StartsWith("A probe needs at least one batch.", ex.Message);
        Assert.Equal("batchOperators", ex.ParamName);
    }

    private static SpectralProbeResult Probe(nn.Module<Tensor, Tensor> model, IReadOnlyList<ProbeBatch> batches, SpectralProbeOptions options)
    {
        options.SketchVectors = 0;
        options.LanczosSteps = 8;
        return SpectralProbe.Run(model, batches, ErrorFunctions.SquaredError, options);
    }

    /// <summary>Batches of the given numbers of examples: inputs of width 4, regression targets of <paramref name="outputs"/>.</summary>
    private static ProbeBatch[] Batches(int first, int second, int outputs = 3)
    {
        manual_seed(3);
        return [.. new[] { first, second }.Select(n => new ProbeBatch(randn(n, 4, dtype: TestModels.F64), randn(n, outputs, dtype: TestModels.F64)))];
    }
}
