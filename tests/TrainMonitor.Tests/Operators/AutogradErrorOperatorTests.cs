using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Operators;
using TrainMonitor.Torch;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Operators;

/// <summary>
/// The matrix-free operator against M = J Jᵀ / n from a reference Jacobian built with per-example
/// <c>backward()</c> on a fresh model copy (no autograd.grad involved).
/// </summary>
/// <remarks>
/// Tolerance: both sides evaluate the same chain rule in float64 with different kernels and summation orders
/// (autograd.grad with a one-hot/dual vector vs. backward of a scalar). Each Jacobian entry then carries a
/// relative round-off of a few ε per layer (ε = 2.2e-16, depth ≤ ~10 ops ⇒ ~1e-14), and M's entries are sums of
/// P ≤ 300 such products with mild cancellation, so a relative Frobenius error of order 1e-14…1e-13 is expected.
/// Measured: ≤ 3e-16 for every model here. We assert 1e-11, leaving room for other BLAS builds, and still far below
/// any genuine mistake (a wrong transpose, a missing 1/n or a dropped parameter block is an O(1) error).
/// </remarks>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class AutogradErrorOperatorTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-11;

    public static TheoryData<string, string> Cases => new()
    {
        { "mlp", "squared" },
        { "mlp", "cross_entropy" },
        { "attention", "squared" },
        { "attention", "cross_entropy_per_token" },
        { "cnn", "squared" },
        { "cnn", "cross_entropy" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ApplyMatchesReferenceGramMatrix(string modelName, string errorName)
    {
        using var scope = NewDisposeScope();
        var (make, input, target, error) = Setup(modelName, errorName);
        using var model = make();
        using var guard = new ProbeGuard(model);

        var jRef = ReferenceJacobian.Compute(make, model, input, target, error);
        var n = jRef.shape[0];
        var mRef = jRef.mm(jRef.t()).div(n);

        using var op = AutogradErrorOperator.ForModel(model, input, target, error);
        var mOp = Numerics.MaterialiseColumns(op);
        var relative = Numerics.RelativeError(mOp, mRef);

        // Random vector too (a linear combination of all columns at once).
        manual_seed(7);
        var v = randn(n, dtype: ScalarType.Float64);
        var relativeRandom = Numerics.RelativeError(op.Apply(v), mRef.mv(v));

        using var exact = ExactErrorOperator.ForModel(model, input, target, error);
        var jExplicit = ExplicitJacobian.Compute(model.parameters().ToArray(), () => error.Compute(model.call(input), target));
        var relativeExact = Numerics.RelativeError(Numerics.MaterialiseColumns(exact), mRef);
        var relativeJacobian = Numerics.RelativeError(jExplicit, jRef);

        output.WriteLine($"{modelName}/{errorName}: n={n} P={jRef.shape[1]} ‖M‖_F={mRef.norm().item<double>():G4} " +
            $"rel(autograd M)={relative:E2} rel(Mv random)={relativeRandom:E2} rel(exact M)={relativeExact:E2} rel(explicit J)={relativeJacobian:E2}");

        Assert.Equal(n, op.Size);
        Assert.Equal(n + 1, op.Applications);
        Assert.Equal(jRef.shape[1], op.ParameterCount);
        Assert.True(relative < Tolerance, $"autograd M differs from reference by {relative:E3}");
        Assert.True(relativeRandom < Tolerance, $"autograd M v differs from reference by {relativeRandom:E3}");
        Assert.True(relativeExact < Tolerance, $"exact M differs from reference by {relativeExact:E3}");
        Assert.True(relativeJacobian < Tolerance, $"explicit J differs from reference by {relativeJacobian:E3}");

        // The error vector the operator reports is the model's error.
        var e = error.Compute(model.call(input), target).detach();
        Assert.True(Numerics.RelativeError(op.Error, e) < 1e-15);
    }

    [Fact]
    public void ExplicitJacobianMatchesCentralFiniteDifferences()
    {
        // Central differences on each coordinate with h = ε^(1/3)·(1+|θ_k|): truncation h²/6·|e'''| and round-off
        // ε|e|/h are both ≈ 1e-11 relative for this smooth O(1) model; assert 1e-7.
        using var scope = NewDisposeScope();
        using var model = TestModels.Mlp(11);
        var (input, target, _) = TestModels.MlpBatch(12);
        var parameters = model.parameters().ToArray();
        Tensor Errors() => ErrorFunctions.SquaredError.Compute(model.call(input), target);
        var j = ExplicitJacobian.Compute(parameters, Errors);

        var columns = new List<Tensor>();
        using (no_grad())
        {
            foreach (var p in parameters)
            {
                var flat = p.view(-1);
                for (var k = 0; k < flat.shape[0]; k++)
                {
                    var original = flat[k].item<double>();
                    var h = Math.Cbrt(2.2e-16) * (1 + Math.Abs(original));
                    flat[k] = tensor(original + h, ScalarType.Float64);
                    var plus = Errors().detach().clone();
                    flat[k] = tensor(original - h, ScalarType.Float64);
                    var minus = Errors().detach().clone();
                    flat[k] = tensor(original, ScalarType.Float64);
                    columns.Add((plus - minus).div(2 * h));
                }
            }
        }

        var jFd = stack(columns.ToArray(), 1);
        var relative = Numerics.RelativeError(j, jFd);
        output.WriteLine($"explicit J vs central differences: rel={relative:E2}");
        Assert.True(relative < 1e-7, $"{relative:E3}");
    }

    [Fact]
    public void FiniteDifferenceJvpAgreesWithDoubleBackwardAndRestoresParametersBitExactly()
    {
        // FD step h = ε^(1/3)(1+‖θ‖)/‖w‖, so h‖w‖ ≈ 6e-6·(1+‖θ‖) ≈ 3e-5 here. Truncation ≈ (h‖w‖)²/6 · (relative
        // third-derivative scale, O(1–10) for this LayerNorm/GELU MLP) ≲ 2e-9; round-off ≈ ε‖e‖/(h‖w‖)/‖Jw/‖ ≲ 1e-10.
        // Assert 1e-7 relative on M v.
        using var scope = NewDisposeScope();
        using var model = TestModels.Mlp(3);
        var (input, target, _) = TestModels.MlpBatch(4);
        using var guard = new ProbeGuard(model);
        var before = model.parameters().Select(Numerics.Bytes).ToArray();

        using var exact = AutogradErrorOperator.ForModel(model, input, target, ErrorFunctions.SquaredError);
        using var fd = AutogradErrorOperator.ForModel(model, input, target, ErrorFunctions.SquaredError,
            new AutogradOperatorOptions { JvpMethod = JvpMethod.FiniteDifference });
        Assert.Equal(JvpMethod.FiniteDifference, fd.JvpMethod);

        manual_seed(5);
        var worst = 0.0;
        for (var k = 0; k < 4; k++)
        {
            var v = randn(exact.Size, dtype: ScalarType.Float64);
            var relative = Numerics.RelativeError(fd.Apply(v), exact.Apply(v));
            worst = Math.Max(worst, relative);
        }

        output.WriteLine($"finite-difference vs double-backward M v: worst rel={worst:E2}");
        Assert.True(worst < 1e-7, $"{worst:E3}");
        Assert.Equal(4, fd.Applications);

        var after = model.parameters().Select(Numerics.Bytes).ToArray();
        Assert.Equal(before.Length, after.Length);
        for (var i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i], after[i]);
        }
    }

    [Fact]
    public void FiniteDifferenceRestoresParametersWhenTheForwardThrows()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Mlp(3);
        var (input, target, _) = TestModels.MlpBatch(4);
        var parameters = model.parameters().ToArray();
        var before = parameters.Select(Numerics.Bytes).ToArray();
        var calls = 0;
        Tensor Errors()
        {
            // First call builds the graph; the second is the forward at θ + h w.
            if (++calls == 2)
            {
                throw new InvalidOperationException("forward failed");
            }

            return ErrorFunctions.SquaredError.Compute(model.call(input), target);
        }

        using var op = AutogradErrorOperator.Create(parameters, Errors, new AutogradOperatorOptions { JvpMethod = JvpMethod.FiniteDifference });
        var thrown = Assert.Throws<InvalidOperationException>(() => op.Apply(ones(op.Size, ScalarType.Float64)));
        Assert.Equal("forward failed", thrown.Message);
        var after = parameters.Select(Numerics.Bytes).ToArray();
        for (var i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i], after[i]);
        }

        Assert.Equal(0, op.Applications);
    }

    [Fact]
    public void UnusedAndFrozenParametersContributeNothing()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Mlp(21);
        var (input, target, _) = TestModels.MlpBatch(22);
        var parameters = model.parameters().ToList();
        Tensor Errors() => ErrorFunctions.SquaredError.Compute(model.call(input), target);
        using var baseline = AutogradErrorOperator.Create(parameters, Errors);

        var unused = randn(3, 3, dtype: ScalarType.Float64).requires_grad_(true);
        var frozen = randn(2, dtype: ScalarType.Float64);
        using var widened = AutogradErrorOperator.Create([.. parameters, unused, frozen], Errors);
        Assert.Equal(baseline.ParameterCount, widened.ParameterCount);

        var v = randn(baseline.Size, dtype: ScalarType.Float64);
        Assert.True(Numerics.RelativeError(widened.Apply(v), baseline.Apply(v)) < 1e-15);
        Assert.True(unused.requires_grad);
        Assert.False(frozen.requires_grad);
        Assert.Null(unused.grad);
    }

    [Fact]
    public void RejectsErrorsNotConnectedToAnyParameterBeforeCallingAutograd()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Mlp(1);
        var (input, target, _) = TestModels.MlpBatch(2);
        var parameters = model.parameters().ToArray();

        // No graph at all: caught before any autograd.grad call.
        var constant = Assert.Throws<InvalidOperationException>(() =>
            AutogradErrorOperator.Create(parameters, () => randn(5, dtype: ScalarType.Float64)));
        Assert.Contains("not connected to any parameter", constant.Message);

        // A graph that reaches another leaf but none of the parameters: allow_unused makes the check safe.
        var other = randn(5, dtype: ScalarType.Float64).requires_grad_(true);
        var elsewhere = Assert.Throws<InvalidOperationException>(() =>
            AutogradErrorOperator.Create(parameters, () => other.mul(2.0)));
        Assert.Contains("influences the error", elsewhere.Message);

        // No parameter requires grad.
        var frozen = new[] { randn(3, dtype: ScalarType.Float64) };
        Assert.Throws<ArgumentException>(() => AutogradErrorOperator.Create(frozen, () => randn(3, dtype: ScalarType.Float64)));

        // A 2-D "error vector".
        var twoD = Assert.Throws<InvalidOperationException>(() => AutogradErrorOperator.Create(parameters, () => model.call(input)));
        Assert.Contains("1-D", twoD.Message);

        // Explicit/exact paths share the checks.
        Assert.Throws<InvalidOperationException>(() => ExplicitJacobian.Compute(parameters, () => randn(5, dtype: ScalarType.Float64)));
    }

    [Fact]
    public void ApplyValidatesItsArgumentAndLifetime()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Mlp(1);
        var (input, target, _) = TestModels.MlpBatch(2);
        var op = AutogradErrorOperator.ForModel(model, input, target, ErrorFunctions.SquaredError);
        Assert.Equal(18, op.Size);

        var wrongLength = Assert.Throws<ArgumentException>(() => op.Apply(ones(5, ScalarType.Float64)));
        Assert.Contains("length 18", wrongLength.Message);
        Assert.Throws<ArgumentException>(() => op.Apply(ones(18, 1, ScalarType.Float64)));
        Assert.Throws<ArgumentException>(() => op.Apply(ones(18, ScalarType.Int64)));

        // float32 input is converted at the boundary; the result is float64.
        var r = op.Apply(ones(18, ScalarType.Float32));
        Assert.Equal(ScalarType.Float64, r.dtype);

        op.Dispose();
        Assert.Throws<ObjectDisposedException>(() => op.Apply(ones(18, ScalarType.Float64)));
        op.Dispose();
    }

    [Fact]
    public void ExactOperatorRefusesBatchesAboveItsLimit()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Mlp(1);
        var (input, target, _) = TestModels.MlpBatch(2);
        var thrown = Assert.Throws<InvalidOperationException>(() =>
            ExactErrorOperator.ForModel(model, input, target, ErrorFunctions.SquaredError, maxSize: 10));
        Assert.Contains("18 errors", thrown.Message);
        Assert.Contains("limited to 10", thrown.Message);
    }

    [Fact]
    public void Float32ModelGivesFloat64VectorsCloseToTheFloat64Operator()
    {
        // Same weights in float32 vs float64: the float32 operator differs by float32 round-off,
        // ~ depth · ε32 ≈ 10 · 1.2e-7 relative; assert 1e-4.
        using var scope = NewDisposeScope();
        using var model64 = TestModels.Mlp(8);
        manual_seed(8);
        using var model32 = nn.Sequential(
            ("fc1", nn.Linear(4, 8)), ("norm", nn.LayerNorm(8)), ("act", nn.GELU()), ("fc2", nn.Linear(8, 3)));
        using (no_grad())
        {
            foreach (var (p32, p64) in model32.parameters().Zip(model64.parameters()))
            {
                p32.copy_(p64);
            }
        }

        var (input, target, _) = TestModels.MlpBatch(9);
        using var op64 = AutogradErrorOperator.ForModel(model64, input, target, ErrorFunctions.SquaredError);
        using var op32 = AutogradErrorOperator.ForModel(model32, input.to_type(ScalarType.Float32), target.to_type(ScalarType.Float32), ErrorFunctions.SquaredError);
        var v = randn(op64.Size, dtype: ScalarType.Float64);
        var r32 = op32.Apply(v);
        Assert.Equal(ScalarType.Float64, r32.dtype);
        Assert.Equal(ScalarType.Float64, op32.Error.dtype);
        var relative = Numerics.RelativeError(r32, op64.Apply(v));
        output.WriteLine($"float32 vs float64 operator: rel={relative:E2}");
        Assert.True(relative < 1e-4, $"{relative:E3}");
    }

    internal static (Func<nn.Module<Tensor, Tensor>> Make, Tensor Input, Tensor Target, ErrorFunction Error) Setup(string modelName, string errorName)
    {
        return modelName switch
        {
            "mlp" => Pick(() => TestModels.Mlp(101), TestModels.MlpBatch(102), errorName),
            "attention" => Pick(() => TestModels.Attention(201), TestModels.AttentionBatch(202), errorName),
            "cnn" => Pick(() => TestModels.Cnn(301), TestModels.CnnBatch(302), errorName),
            _ => throw new ArgumentOutOfRangeException(nameof(modelName)),
        };
    }

    private static (Func<nn.Module<Tensor, Tensor>>, Tensor, Tensor, ErrorFunction) Pick(
        Func<nn.Module<Tensor, Tensor>> make, (Tensor Input, Tensor Regression, Tensor Classes) batch, string errorName) => errorName switch
        {
            "squared" => (make, batch.Input, batch.Regression, ErrorFunctions.SquaredError),
            "cross_entropy" => (make, batch.Input, batch.Classes, ErrorFunctions.CrossEntropy),
            "cross_entropy_per_token" => (make, batch.Input, batch.Classes, ErrorFunctions.CrossEntropyPerToken),
            _ => throw new ArgumentOutOfRangeException(nameof(errorName)),
        };
}
