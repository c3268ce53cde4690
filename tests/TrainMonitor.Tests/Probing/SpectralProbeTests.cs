using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Kernel;
using TrainMonitor.Operators;
using TrainMonitor.Probing;
using TrainMonitor.Shells;
using TrainMonitor.Tests.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Probing;

/// <summary>The probe pipeline on real (tiny, float64) models against the exact eigendecomposition of M.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class SpectralProbeTests
{
    private const int BatchSize = 24;

    [Fact]
    public void LanczosProbeCoveringTheBatchEqualsTheExactEigendecomposition()
    {
        using var scope = NewDisposeScope();
        var model = Mlp(seed: 5);
        var batches = Batches(seed: 6, count: 2);

        // m = 64 ≥ n = 24: Lanczos must break down at or before n and its quadrature is then the exact measure.
        var result = SpectralProbe.Run(model, batches, ErrorFunctions.CrossEntropy, new SpectralProbeOptions { Method = ProbeMethod.Lanczos, LanczosSteps = 64 });
        var exact = ExactMeasure(model, batches);

        // Both sides are float64 computations of the same measure: nodes agree to ~1e3·ε·λmax (eigh and Lanczos
        // round-off), so shell sums agree to far better than 1e-9 of the total except for eigenvalues within
        // round-off of a shell edge, which this seed does not have (the assertion would show it).
        var total = exact.Sum(p => p.Weight);
        Assert.Equal(total, result.ErrorEnergy, total * 1e-12);
        Assert.Equal(exact.Max(p => p.Lambda), result.LambdaMax, exact.Max(p => p.Lambda) * 1e-9);
        var floor = result.Profile.NullEnergy.Floor;
        foreach (var shell in result.Profile.Shells)
        {
            var lower = Math.Max(shell.LambdaLower, floor);
            var expected = exact.Where(p => p.Lambda >= lower && p.Lambda < shell.LambdaUpper).Sum(p => p.Weight);
            Assert.True(Math.Abs(expected - shell.Estimate) <= 1e-9 * total,
                $"shell {shell.Index}: exact {expected:E6}, probe {shell.Estimate:E6}");
            Assert.InRange(expected, shell.Lower - 1e-10 * total, shell.Upper + 1e-10 * total);
        }

        var expectedNull = exact.Where(p => p.Lambda < floor).Sum(p => p.Weight);
        Assert.Equal(expectedNull, result.Profile.NullEnergy.Estimate, 1e-9 * total);

        var firstMoment = exact.Sum(p => p.Weight * p.Lambda);
        Assert.Equal(firstMoment / total, result.SpectralPosition, Math.Abs(firstMoment / total) * 1e-9);
    }

    [Fact]
    public void ExactMethodAgreesWithLanczosWhenStepsCoverTheBatch()
    {
        using var scope = NewDisposeScope();
        var model = Mlp(seed: 8);
        var batches = Batches(seed: 9, count: 2);

        var lanczos = SpectralProbe.Run(model, batches, ErrorFunctions.CrossEntropy, new SpectralProbeOptions { Method = ProbeMethod.Lanczos, LanczosSteps = 64, SketchVectors = 0 });
        var exact = SpectralProbe.Run(model, batches, ErrorFunctions.CrossEntropy, new SpectralProbeOptions { Method = ProbeMethod.Exact, SketchVectors = 0 });

        Assert.Equal(exact.Profile.Shells.Select(s => s.Index), lanczos.Profile.Shells.Select(s => s.Index));
        var total = exact.ErrorEnergy;
        foreach (var (a, b) in exact.Profile.Shells.Zip(lanczos.Profile.Shells))
        {
            Assert.True(Math.Abs(a.Estimate - b.Estimate) <= 1e-9 * total, $"shell {a.Index}: exact {a.Estimate:E6}, Lanczos {b.Estimate:E6}");
        }

        Assert.Null(exact.Sketch);
    }

    [Fact]
    public void OperatorApplicationsCountLanczosStepsAndSketchVectors()
    {
        using var scope = NewDisposeScope();
        var model = Mlp(seed: 10);
        var batches = Batches(seed: 11, count: 3);

        var result = SpectralProbe.Run(model, batches, ErrorFunctions.CrossEntropy, new SpectralProbeOptions { Method = ProbeMethod.Lanczos, LanczosSteps = 6, SketchVectors = 4 });

        // 6 Lanczos steps (no breakdown for a generic 24×24 operator in 6 steps) + 4 sketch vectors per batch.
        Assert.Equal(3 * (6 + 4), result.OperatorApplications);
        Assert.All(result.Measure.Components, c => Assert.Equal(6, c.Steps));
        Assert.Equal(3 * BatchSize, result.ErrorEntries);
        Assert.NotNull(result.Sketch);
        Assert.Equal(3, result.Sketch!.BatchCount);
    }

    [Fact]
    public void ProbeLeavesParametersGradientsAndModesUntouched()
    {
        using var scope = NewDisposeScope();
        var model = Mlp(seed: 12);
        var batches = Batches(seed: 13, count: 2);
        model.train();
        var parameters = model.parameters().ToArray();
        // Give one parameter a gradient so "unchanged .grad" is a real check.
        ErrorFunctions.CrossEntropy.Compute(model.call(batches[0].Input), batches[0].Target).sum().backward();
        var before = parameters.Select(Bytes).ToArray();
        var gradsBefore = parameters.Select(p => p.grad is null ? null : Bytes(p.grad)).ToArray();

        SpectralProbe.Run(model, batches, ErrorFunctions.CrossEntropy, new SpectralProbeOptions { LanczosSteps = 8 });

        Assert.True(model.training);
        Assert.All(model.modules(), m => Assert.True(m.training));
        for (var i = 0; i < parameters.Length; i++)
        {
            Assert.Equal(before[i], Bytes(parameters[i]));
            Assert.Equal(gradsBefore[i], parameters[i].grad is null ? null : Bytes(parameters[i].grad!));
            Assert.True(parameters[i].requires_grad);
        }
    }

    [Fact]
    public void KernelDistanceIsZeroForTheSameWeightsAndGrowsWhenTheKernelMoves()
    {
        using var scope = NewDisposeScope();
        var model = Mlp(seed: 14);
        var batches = Batches(seed: 15, count: 2);
        var options = new SpectralProbeOptions { LanczosSteps = 8, SketchVectors = 6 };

        var first = SpectralProbe.Run(model, batches, ErrorFunctions.CrossEntropy, options);
        var again = SpectralProbe.Run(model, batches, ErrorFunctions.CrossEntropy, options);
        Assert.Equal(0.0, KernelSketch.Distance(first.Sketch!, again.Sketch!), 12);

        using (no_grad())
        {
            foreach (var p in model.parameters())
            {
                p.mul_(1.5); // rescaling every layer changes the kernel's shape, not only its scale
            }
        }

        var moved = SpectralProbe.Run(model, batches, ErrorFunctions.CrossEntropy, options);
        Assert.True(KernelSketch.Distance(first.Sketch!, moved.Sketch!) > 1e-3);
    }

    [Fact]
    public void ProbeFreesEveryTensorItCreates()
    {
        using var outer = NewDisposeScope();
        var model = Mlp(seed: 16);
        var batches = Batches(seed: 17, count: 2);
        SpectralProbe.Run(model, batches, ErrorFunctions.CrossEntropy, new SpectralProbeOptions { LanczosSteps = 8 }); // warm caches

        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 3; i++)
        {
            SpectralProbe.Run(model, batches, ErrorFunctions.CrossEntropy, new SpectralProbeOptions { LanczosSteps = 8 });
        }

        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Theory]
    [InlineData(nameof(SpectralProbeOptions.LanczosSteps))]
    [InlineData(nameof(SpectralProbeOptions.ShellRatio))]
    [InlineData(nameof(SpectralProbeOptions.NullFloorFraction))]
    [InlineData(nameof(SpectralProbeOptions.NullFloorAbsolute))]
    [InlineData(nameof(SpectralProbeOptions.SketchVectors))]
    [InlineData(nameof(SpectralProbeOptions.ExactMaxBatchSize))]
    public void InvalidOptionsAreRejectedNamingTheSetting(string setting)
    {
        var options = new SpectralProbeOptions();
        switch (setting)
        {
            case nameof(SpectralProbeOptions.LanczosSteps): options.LanczosSteps = 1; break;
            case nameof(SpectralProbeOptions.ShellRatio): options.ShellRatio = 1.0; break;
            case nameof(SpectralProbeOptions.NullFloorFraction): options.NullFloorFraction = -1; break;
            // 0 is what NullFloor.Absolute rejects; it must fail here, before any probe, not inside every probe.
            case nameof(SpectralProbeOptions.NullFloorAbsolute): options.NullFloorAbsolute = 0; break;
            case nameof(SpectralProbeOptions.SketchVectors): options.SketchVectors = -1; break;
            case nameof(SpectralProbeOptions.ExactMaxBatchSize): options.ExactMaxBatchSize = 0; break;
        }

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(setting, error.ParamName);
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    private static nn.Module<Tensor, Tensor> Mlp(long seed)
    {
        manual_seed(seed);
        return nn.Sequential(
            ("fc1", nn.Linear(6, 12, dtype: ScalarType.Float64)),
            ("norm", nn.LayerNorm(12, dtype: ScalarType.Float64)),
            ("act", nn.GELU()),
            ("fc2", nn.Linear(12, 4, dtype: ScalarType.Float64)));
    }

    private static ProbeBatch[] Batches(long seed, int count)
    {
        var generator = new Generator((ulong)seed);
        return Enumerable.Range(0, count).Select(_ => new ProbeBatch(
            randn(new long[] { BatchSize, 6 }, dtype: ScalarType.Float64, generator: generator),
            randint(0, 4, new long[] { BatchSize }, generator: generator))).ToArray();
    }

    /// <summary>The averaged measure from eigh of the explicit M of each batch: weight (qᵢᵀe)²/n / B at λᵢ.</summary>
    private static List<(double Lambda, double Weight)> ExactMeasure(nn.Module<Tensor, Tensor> model, ProbeBatch[] batches)
    {
        var points = new List<(double, double)>();
        model.eval();
        foreach (var batch in batches)
        {
            var parameters = model.parameters().Cast<Tensor>().ToArray();
            Tensor Errors() => ErrorFunctions.CrossEntropy.Compute(model.call(batch.Input), batch.Target);
            var jacobian = ExplicitJacobian.Compute(parameters, Errors);
            Tensor e;
            using (no_grad())
            {
                e = Errors().to_type(ScalarType.Float64);
            }

            var n = e.shape[0];
            var m = jacobian.mm(jacobian.t()) / n;
            var (values, vectors) = linalg.eigh(m);
            var lambdas = values.data<double>().ToArray();
            var weights = (vectors.t().mv(e).square() / n / batches.Length).data<double>().ToArray();
            points.AddRange(lambdas.Zip(weights));
        }

        model.train();
        return points;
    }

    private static byte[] Bytes(Tensor t) => t.detach().cpu().to_type(ScalarType.Float64).data<double>().ToArray().SelectMany(BitConverter.GetBytes).ToArray();
}
