using TorchSharp;
using TrainMonitor.Errors;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Errors;

/// <summary>
/// Values against hand-computed references in double, and each validation failure. Tolerance 1e-14: a log-softmax
/// over ≤ 5 classes has a condition number of O(1) and the two evaluations differ only in summation order
/// (a few ulps of values of size ≤ 5).
/// </summary>
[Collection(TrainMonitor.Tests.Operators.TorchGlobalStateCollection.Name)]
public sealed class ErrorFunctionTests
{
    private static readonly double[,] Logits = { { 1.0, -2.0, 0.5 }, { 0.0, 3.0, -1.0 }, { -0.5, -0.5, 2.5 }, { 10.0, -10.0, 0.0 } };
    private static readonly long[] Classes = { 2, 1, 0, 1 };

    [Fact]
    public void CrossEntropyIsTheSurprisalOfTheCorrectClass()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(Logits, ScalarType.Float64).requires_grad_(true);
        var e = ErrorFunctions.CrossEntropy.Compute(logits, tensor(Classes)).data<double>().ToArray();
        Assert.Equal(4, e.Length);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HandSurprisal(Row(Logits, i), Classes[i]), e[i], 1e-14);
        }
    }

    [Fact]
    public void CrossEntropyPerTokenFlattensExampleMajor()
    {
        using var scope = NewDisposeScope();
        // [N=2, T=2, C=3] from the four rows above; targets [2, 2].
        var logits = tensor(Logits, ScalarType.Float64).reshape(2, 2, 3).requires_grad_(true);
        var targets = tensor(Classes).reshape(2, 2);
        var e = ErrorFunctions.CrossEntropyPerToken.Compute(logits, targets).data<double>().ToArray();
        Assert.Equal(4, e.Length);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HandSurprisal(Row(Logits, i), Classes[i]), e[i], 1e-14);
        }
    }

    [Fact]
    public void SquaredErrorIsOutputMinusTargetFlattened()
    {
        using var scope = NewDisposeScope();
        var output = tensor(new double[,] { { 1.0, 2.0 }, { 3.0, 4.5 } }).requires_grad_(true);
        var target = tensor(new double[,] { { 0.5, 2.0 }, { -1.0, 4.0 } });
        var e = ErrorFunctions.SquaredError.Compute(output, target).data<double>().ToArray();
        Assert.Equal(new[] { 0.5, 0.0, 4.0, 0.5 }, e);
    }

    [Fact]
    public void CustomFunctionIsValidatedLikeTheBuiltIns()
    {
        using var scope = NewDisposeScope();
        var output = randn(3, 2, dtype: ScalarType.Float64).requires_grad_(true);
        var target = randn(3, 2, dtype: ScalarType.Float64);
        var absolute = ErrorFunctions.Custom("abs", (o, t) => (o - t).abs().sum(1));
        Assert.Equal("abs", absolute.Name);
        Assert.Equal(3, absolute.Compute(output, target).shape[0]);

        var twoD = Assert.Throws<ArgumentException>(() => ErrorFunctions.Custom("twoD", (o, t) => o - t).Compute(output, target));
        Assert.Contains("1-D", twoD.Message);
        Assert.Contains("[3, 2]", twoD.Message);

        var integer = Assert.Throws<ArgumentException>(() => ErrorFunctions.Custom("int", (o, t) => o.argmax(1)).Compute(output, target));
        Assert.Contains("floating-point", integer.Message);
        Assert.Contains("Int64", integer.Message);

        var detached = Assert.Throws<ArgumentException>(() => ErrorFunctions.Custom("detached", (o, t) => (o - t).sum(1).detach()).Compute(output, target));
        Assert.Contains("not connected to any parameter", detached.Message);

        Assert.Throws<ArgumentException>(() => ErrorFunctions.Custom(" ", (o, t) => o));
    }

    [Fact]
    public void OutputWithoutGraphIsRejectedOnlyWhenGradModeIsOn()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(Logits, ScalarType.Float64);
        var targets = tensor(Classes);
        var thrown = Assert.Throws<ArgumentException>(() => ErrorFunctions.CrossEntropy.Compute(logits, targets));
        Assert.Contains("requires_grad is false", thrown.Message);
        using (no_grad())
        {
            Assert.Equal(4, ErrorFunctions.CrossEntropy.Compute(logits, targets).shape[0]);
        }
    }

    [Fact]
    public void WrongShapesAndDtypesThrowWithTheShapesInTheMessage()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(Logits, ScalarType.Float64).requires_grad_(true);
        var targets = tensor(Classes);

        var oneD = Assert.Throws<ArgumentException>(() => ErrorFunctions.CrossEntropy.Compute(logits.reshape(-1), targets));
        Assert.Contains("[N, C]", oneD.Message);
        Assert.Contains("[12]", oneD.Message);

        var shortTargets = Assert.Throws<ArgumentException>(() => ErrorFunctions.CrossEntropy.Compute(logits, targets[..3]));
        Assert.Contains("[4]", shortTargets.Message);
        Assert.Contains("[3]", shortTargets.Message);

        var floatTargets = Assert.Throws<ArgumentException>(() => ErrorFunctions.CrossEntropy.Compute(logits, targets.to_type(ScalarType.Float64)));
        Assert.Contains("integer class-index", floatTargets.Message);
        Assert.Contains("Float64", floatTargets.Message);

        var outOfRange = Assert.Throws<ArgumentException>(() => ErrorFunctions.CrossEntropy.Compute(logits, tensor(new long[] { 0, 1, 2, 3 })));
        Assert.Contains("[0, 3)", outOfRange.Message);

        var integerOutput = Assert.Throws<ArgumentException>(() => ErrorFunctions.CrossEntropy.Compute(targets.reshape(2, 2), targets[..2]));
        Assert.Contains("floating point", integerOutput.Message);

        var perToken = Assert.Throws<ArgumentException>(() => ErrorFunctions.CrossEntropyPerToken.Compute(logits, targets));
        Assert.Contains("[N, T, C]", perToken.Message);
        var perTokenTargets = Assert.Throws<ArgumentException>(() =>
            ErrorFunctions.CrossEntropyPerToken.Compute(logits.reshape(2, 2, 3), targets));
        Assert.Contains("[2, 2]", perTokenTargets.Message);

        var output = randn(3, 2, dtype: ScalarType.Float64).requires_grad_(true);
        var mismatch = Assert.Throws<ArgumentException>(() => ErrorFunctions.SquaredError.Compute(output, randn(2, 3, dtype: ScalarType.Float64)));
        Assert.Contains("[3, 2]", mismatch.Message);
        Assert.Contains("[2, 3]", mismatch.Message);
        var dtype = Assert.Throws<ArgumentException>(() => ErrorFunctions.SquaredError.Compute(output, randn(3, 2)));
        Assert.Contains("Float32", dtype.Message);
        Assert.Contains("Float64", dtype.Message);
    }

    [Fact]
    public void DeviceMismatchThrowsBeforeAnyComputation()
    {
        // No CUDA here: the "meta" device (shapes only, no storage) stands in for a second device.
        using var scope = NewDisposeScope();
        var output = randn(3, 2, dtype: ScalarType.Float64).requires_grad_(true);
        var target = empty(3, 2, ScalarType.Float64, device: torch.META);
        var thrown = Assert.Throws<ArgumentException>(() => ErrorFunctions.SquaredError.Compute(output, target));
        Assert.Contains("one device", thrown.Message);
        Assert.Contains("meta", thrown.Message);
    }

    private static double[] Row(double[,] m, int i) => Enumerable.Range(0, m.GetLength(1)).Select(j => m[i, j]).ToArray();

    private static double HandSurprisal(double[] logits, long y)
    {
        var max = logits.Max();
        var logSumExp = max + Math.Log(logits.Sum(z => Math.Exp(z - max)));
        return logSumExp - logits[y];
    }
}
