using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Operators;
using TrainMonitor.Probing;
using TrainMonitor.Shells;
using TrainMonitor.Tests.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Probing;

/// <summary>
/// The dtype-derived null floor (issue 15): a float32 model's M carries float32 round-off, which lifts exact zero
/// eigenvalues to ~0.1–0.5 ε₃₂·λ_max; the default floor must sit above them so that null energy is not reported in
/// shells that do not exist. The truth is the float64 twin (same weights and inputs, cast) through an independent
/// Jacobian (<see cref="ReferenceJacobian"/>) and eigh.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class Float32NullFloorTests
{
    // Independent of FloatPrecision: the gap between 1 and the next representable number.
    private static readonly double Epsilon32 = MathF.BitIncrement(1f) - 1f;
    private static readonly double Epsilon64 = Math.BitIncrement(1.0) - 1.0;

    [Fact]
    public void DefaultFractionFollowsTheDtype()
    {
        Assert.Equal(1e-10, NullFloor.DefaultFractionFor(ScalarType.Float64));
        Assert.True(NullFloor.EpsilonMultiple * Epsilon64 < 1e-10, "float64 must keep its 1e-10 floor");
        Assert.Equal(NullFloor.EpsilonMultiple * Epsilon32, NullFloor.DefaultFractionFor(ScalarType.Float32));
        // The issue measured spurious eigenvalues up to 6e-8·λ_max and a clean profile at 1e-6·λ_max.
        Assert.InRange(NullFloor.DefaultFractionFor(ScalarType.Float32), 1e-6, 1e-4);
        Assert.True(NullFloor.DefaultFractionFor(ScalarType.BFloat16) < 1);
    }

    [Fact]
    public void ProbeUsesTheModelDtypeUnlessTheCallerSetAFloor()
    {
        using var scope = NewDisposeScope();
        var (model32, _, x32, _, y32, _) = RankDeficient(seed: 41);
        var batch = new[] { new ProbeBatch(x32, y32) };
        var f32 = SpectralProbe.Run(model32, batch, ErrorFunctions.SquaredError, new SpectralProbeOptions { Method = ProbeMethod.Gram, SketchVectors = 0 });
        Assert.Equal(NullFloor.DefaultFractionFor(ScalarType.Float32) * f32.LambdaMax, f32.Profile.NullEnergy.Floor, f32.LambdaMax * 1e-15);

        var user = SpectralProbe.Run(model32, batch, ErrorFunctions.SquaredError, new SpectralProbeOptions { Method = ProbeMethod.Gram, SketchVectors = 0, NullFloorFraction = 1e-10 });
        Assert.Equal(1e-10 * user.LambdaMax, user.Profile.NullEnergy.Floor, user.LambdaMax * 1e-20);

        // Caller operators: the matrix's dtype decides; float64 keeps 1e-10.
        var m = diag(tensor(new[] { 4.0, 1.0, 0.0 }));
        var e = tensor(new[] { 1.0, 1.0, 1.0 });
        var op64 = SpectralProbe.Run([() => new MatrixErrorOperator(m, e)], new SpectralProbeOptions { SketchVectors = 0 });
        var op32 = SpectralProbe.Run([() => new MatrixErrorOperator(m.to_type(ScalarType.Float32), e.to_type(ScalarType.Float32))], new SpectralProbeOptions { SketchVectors = 0 });
        Assert.Equal(1e-10 * 4, op64.Profile.NullEnergy.Floor, 1e-24);
        Assert.Equal(NullFloor.DefaultFractionFor(ScalarType.Float32) * 4, op32.Profile.NullEnergy.Floor, 1e-18);
    }

    [Theory]
    [InlineData(ProbeMethod.Gram)]
    [InlineData(ProbeMethod.Lanczos)]
    public void Float32RankDeficientModelHasItsNullEnergyBelowTheFloorAndExactShellsInsideTheBounds(ProbeMethod method)
    {
        using var scope = NewDisposeScope();
        var (model32, twin, x32, x64, y32, y64) = RankDeficient(seed: 43);
        var error = ErrorFunctions.SquaredError;

        // Truth: eigh of the float64 twin's explicit M from an autograd-free Jacobian.
        var jacobian = ReferenceJacobian.Compute(() => Mlp(ScalarType.Float64), twin, x64, y64, error);
        var n = jacobian.shape[0];
        var m = jacobian.mm(jacobian.t()).div(n);
        var e = error.Compute(twin.call(x64), y64).detach();
        var (values, vectors) = linalg.eigh(m.add(m.t()).mul(0.5));
        var lambdas = values.data<double>().ToArray();
        var weights = vectors.t().mv(e).pow(2).div(n).data<double>().ToArray();
        var lambdaMax = lambdas[^1];
        double Mass(double lo, double hi) => lambdas.Zip(weights).Where(p => p.First >= lo && p.First < hi).Sum(p => p.Second);
        var total = weights.Sum();
        // The case must be rank-deficient with genuine null energy, or the test proves nothing.
        Assert.True(Mass(double.NegativeInfinity, 1e-9 * lambdaMax) > 0.05 * total);

        var options = new SpectralProbeOptions { Method = method, SketchVectors = 0 };
        var result = SpectralProbe.Run(model32, [new ProbeBatch(x32, y32)], error, options);
        Assert.Equal(method, result.Methods[0]);
        var profile = result.Profile;
        var floor = profile.NullEnergy.Floor;

        // Slack per interval [a, b) (DESIGN.md 1.3: a few units of float32 round-off times the total): the float32 error
        // vector moves each weight by ≈ 2ε₃₂ (4ε₃₂·total for the interval), and J₃₂ = J + δJ, ‖δJ‖ ≈ 2ε₃₂‖J‖, rotates
        // energy across an edge b by ≲ 2ε₃₂√(λ_max/b)·total (first-order perturbation of the projector of J Jᵀ).
        double Slack(double a, double b) =>
            Epsilon32 * total * (4 + (a > 0 && double.IsFinite(a) ? 2 * Math.Sqrt(lambdaMax / a) : 0) + (b > 0 && double.IsFinite(b) ? 2 * Math.Sqrt(lambdaMax / b) : 0));

        var exactNull = Mass(double.NegativeInfinity, floor);
        Assert.InRange(profile.NullEnergy.Estimate, exactNull - 1e-4 * total, exactNull + 1e-4 * total);
        Assert.InRange(exactNull, profile.NullEnergy.Lower - Slack(double.NegativeInfinity, floor), profile.NullEnergy.Upper + Slack(double.NegativeInfinity, floor));
        foreach (var shell in profile.Shells)
        {
            var exact = Mass(shell.LambdaLower, shell.LambdaUpper);
            var slack = Slack(shell.LambdaLower, shell.LambdaUpper);
            Assert.True(exact >= shell.Lower - slack && exact <= shell.Upper + slack,
                $"{method} shell {shell.Index} [{shell.LambdaLower:E3}, {shell.LambdaUpper:E3}): exact {exact:E6} not in [{shell.Lower:E6}, {shell.Upper:E6}] ± {slack:E2}");
        }
    }

    /// <summary>
    /// 6-3-2 GELU MLP (P = 29) on 32 examples with squared error: n = 64 &gt; P, so M has at least 35 exact zero
    /// eigenvalues, and random targets put error into that null space. Returns the float32 model, its float64 twin
    /// (the float32 weights cast, exact), and inputs and targets in both dtypes.
    /// </summary>
    private static (nn.Module<Tensor, Tensor> Model, nn.Module<Tensor, Tensor> Twin, Tensor X32, Tensor X64, Tensor Y32, Tensor Y64) RankDeficient(long seed)
    {
        manual_seed(seed);
        var model = Mlp(ScalarType.Float32);
        var twin = Mlp(ScalarType.Float64);
        using (no_grad())
        {
            foreach (var (p64, p32) in twin.parameters().Zip(model.parameters()))
            {
                p64.copy_(p32);
            }
        }

        var x32 = randn(32, 6);
        var y32 = randn(32, 2);
        return (model, twin, x32, x32.to_type(ScalarType.Float64), y32, y32.to_type(ScalarType.Float64));
    }

    private static nn.Module<Tensor, Tensor> Mlp(ScalarType dtype) => nn.Sequential(
        ("fc1", nn.Linear(6, 3, dtype: dtype)),
        ("act", nn.GELU()),
        ("fc2", nn.Linear(3, 2, dtype: dtype)));
}
