using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Operators;
using TrainMonitor.Operators.Gram;
using TrainMonitor.Probing;
using TrainMonitor.Tests.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Probing;

/// <summary>
/// The selector's decision for one batch, branch by branch: which operator it builds, the method it records, whether M
/// is at hand for an exact measure, and the fallback reason (the same strings <see cref="ProbeMethodSelectionTests"/>
/// pins through <see cref="SpectralProbe"/>).
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class ProbeMethodSelectorTests
{
    [Theory]
    [InlineData(ProbeMethod.Auto)]
    [InlineData(ProbeMethod.Gram)]
    [InlineData(ProbeMethod.Exact)]
    public void AnExplicitMatrixIsFormedWhereTheMethodAllowsIt(ProbeMethod method)
    {
        using var scope = NewDisposeScope();
        var decision = Select(TestModels.Mlp(1), Batch(examples: 6), new SpectralProbeOptions { Method = method });
        using var op = decision.Operator;

        Assert.Equal(method == ProbeMethod.Exact ? ProbeMethod.Exact : ProbeMethod.Gram, decision.Method);
        Assert.Same(decision.Operator, decision.ExplicitMatrix);
        Assert.Null(decision.FallbackReason);
    }

    [Theory]
    [InlineData(JvpMethod.DoubleBackward)]
    [InlineData(JvpMethod.FiniteDifference)]
    public void LanczosBuildsTheAutogradOperatorWithTheOptionsJvpMethod(JvpMethod jvp)
    {
        using var scope = NewDisposeScope();
        var decision = Select(TestModels.Mlp(1), Batch(examples: 6), new SpectralProbeOptions { Method = ProbeMethod.Lanczos, JvpMethod = jvp });
        using var op = decision.Operator;

        Assert.Equal(ProbeMethod.Lanczos, decision.Method);
        Assert.Equal(jvp, Assert.IsType<AutogradErrorOperator>(decision.Operator).JvpMethod);
        Assert.Null(decision.ExplicitMatrix);
        Assert.Null(decision.FallbackReason);
    }

    [Fact]
    public void AutoFallsBackToTheAutogradOperatorWithTheGramPathsReason()
    {
        using var scope = NewDisposeScope();
        var model = TestModels.MlpWithBatchNormAndDropout(2);
        var decision = Select(model, Batch(examples: 6, outputs: 2), new SpectralProbeOptions { Method = ProbeMethod.Auto });
        using var op = decision.Operator;

        Assert.Equal(ProbeMethod.Lanczos, decision.Method);
        Assert.IsType<AutogradErrorOperator>(decision.Operator);
        Assert.Null(decision.ExplicitMatrix);
        Assert.Equal($"The Gram path does not apply: {GramErrorOperator.UnsupportedReason(model)}.", decision.FallbackReason);
    }

    [Theory]
    [InlineData(6, 5, "The batch has 6 examples, more than the Gram path's limit of 5 errors.")]
    [InlineData(6, 17, "The batch has 18 errors, more than the Gram path's limit of 17.")]
    public void AutoOverAGramSizeLimitFallsBackWithThatLimitAsTheReason(int examples, int limit, string reason)
    {
        using var scope = NewDisposeScope();
        var decision = Select(TestModels.Mlp(1), Batch(examples), new SpectralProbeOptions { Method = ProbeMethod.Auto, GramMaxBatchSize = limit });
        using var op = decision.Operator;

        Assert.Equal(ProbeMethod.Lanczos, decision.Method);
        Assert.Equal(reason, decision.FallbackReason);
    }

    [Fact]
    public void ASuppliedMatrixIsMeasuredExactlyAndAnyOtherOperatorByLanczos()
    {
        using var scope = NewDisposeScope();
        using var matrix = new MatrixErrorOperator(eye(3, dtype: TestModels.F64), ones(3, dtype: TestModels.F64));
        var (input, target, _) = TestModels.MlpBatch(4);
        using var autograd = AutogradErrorOperator.ForModel(TestModels.Mlp(1), input, target, ErrorFunctions.SquaredError);

        Assert.Same(matrix, ProbeMethodDecision.Supplied(matrix).ExplicitMatrix);
        Assert.Null(ProbeMethodDecision.Supplied(autograd).ExplicitMatrix);
        Assert.Equal(ProbeMethod.Lanczos, ProbeMethodDecision.Supplied(autograd).Method);
        Assert.Null(ProbeMethodDecision.Supplied(autograd).FallbackReason);
    }

    private static ProbeMethodDecision Select(nn.Module<Tensor, Tensor> model, ProbeBatch batch, SpectralProbeOptions options) =>
        new ProbeMethodSelector(model, ErrorFunctions.SquaredError, options).Select(batch);

    private static ProbeBatch Batch(int examples, int outputs = 3)
    {
        manual_seed(3);
        return new ProbeBatch(randn(examples, 4, dtype: TestModels.F64), randn(examples, outputs, dtype: TestModels.F64));
    }
}
