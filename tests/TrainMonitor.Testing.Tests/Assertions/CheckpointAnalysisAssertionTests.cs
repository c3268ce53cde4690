using TorchSharp;
using TrainMonitor.Checkpoints;
using TrainMonitor.Errors;
using TrainMonitor.Probing;
using static TorchSharp.torch;

namespace TrainMonitor.Testing.Tests.Assertions;

/// <summary>
/// The checkpoint assertions on a real analysis with a known answer: a linear model whose error operator is
/// M = diag(λ_k), λ_k log-uniform over four decades, and whose checkpoint at step t holds the error of frozen-kernel
/// gradient flow, e_k² ∝ λ_k e^{−λ_k t}. Its profiles are unimodal, its frontier moves as 1/t (slope −1), and Lanczos at
/// m = 6 on 64 distinct eigenvalues is visibly off the exact spectrum that m = 70 reaches by breakdown.
/// </summary>
public sealed class CheckpointAnalysisAssertionTests : IAsyncLifetime
{
    private const int N = 64;
    private static readonly long[] Steps = [20, 40, 80, 160];
    private static readonly double[] Lambdas = Enumerable.Range(0, N).Select(k => Math.Pow(10, -3 + 4.0 * k / (N - 1))).ToArray();

    private CheckpointAnalysisResult _result = null!;

    public async Task InitializeAsync()
    {
        // X = diag(√(n λ_k)) makes M = X Xᵀ / n = diag(λ_k); with y = 0, e_k = √(n λ_k) w_k.
        using var probe = ProbeSet.FromTensors(diag(tensor(Lambdas.Select(l => Math.Sqrt(N * l)).ToArray())), zeros(N, 1, ScalarType.Float64), batchSize: N);
        _result = await CheckpointAnalysis.RunAsync(Steps.Select(s => new Checkpoint(s, $"step-{s}")).ToArray(), Model, probe,
            ErrorFunctions.SquaredError, new CheckpointAnalysisOptions { LanczosSteps = [6, 70], Probe = { Method = ProbeMethod.Lanczos } });
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void A_clean_series_passes_every_assertion_it_meets()
    {
        Assert.Same(_result, _result.AssertNoFailedProbes().AssertUnimodalProfiles().AssertFrontierSlopeBetween(-1.2, -0.8).AssertDepthSweepWithin(1.0));
    }

    [Fact]
    public void A_slope_outside_the_range_fails_naming_it_and_each_interval()
    {
        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => _result.AssertFrontierSlopeBetween(0.5, 2));

        Assert.Contains("must lie in [0.5, 2], but it is -", ex.Message);
        Assert.Contains("20→40: ", ex.Message);
    }

    [Fact]
    public void A_depth_sweep_beyond_the_bound_fails_naming_the_checkpoint_and_shell()
    {
        var largest = _result.DepthSensitivity.Max(s => s.MaxChangeRelative);
        Assert.True(largest > 1e-3, $"m = 6 should be visibly off the exact spectrum; the largest change is {largest:g3}");

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => _result.AssertDepthSweepWithin(largest / 2));

        Assert.Contains("From m = 6 to m = 70 no shell may change by more than", ex.Message);
        Assert.Contains("of the error energy in shell", ex.Message);
    }

    [Fact]
    public async Task A_checkpoint_whose_profile_has_two_modes_fails_with_the_verdicts_reason()
    {
        // Step 40 holds equal energy per eigenvalue in the bottom and top decades and 1e-4 of it in between: a dip no
        // bound can explain away.
        using var probe = ProbeSet.FromTensors(diag(tensor(Lambdas.Select(l => Math.Sqrt(N * l)).ToArray())), zeros(N, 1, ScalarType.Float64), batchSize: N);
        var result = await CheckpointAnalysis.RunAsync(Steps.Select(s => new Checkpoint(s, $"step-{s}")).ToArray(),
            c => c.Step == 40 ? WithEnergies(l => l < 1e-2 || l > 1 ? 1.0 : 1e-4) : Model(c), probe, ErrorFunctions.SquaredError,
            new CheckpointAnalysisOptions { LanczosSteps = [70], Probe = { Method = ProbeMethod.Lanczos, SketchVectors = 0 } });

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => result.AssertUnimodalProfiles());

        Assert.Contains("Every checkpoint's profile at m = 70 must be unimodal, but 1 of 4 are not: step 40: NotUnimodal (dip of ", ex.Message);
        Assert.Throws<ArgumentException>(() => _result.AssertUnimodalProfiles(12));
    }

    [Fact]
    public async Task A_failed_probe_fails_the_assertion_naming_its_step_and_depth()
    {
        using var probe = ProbeSet.FromTensors(diag(tensor(Lambdas.Select(l => Math.Sqrt(N * l)).ToArray())), zeros(N, 1, ScalarType.Float64), batchSize: N);
        var result = await CheckpointAnalysis.RunAsync(Steps.Select(s => new Checkpoint(s, $"step-{s}")).ToArray(),
            c => c.Step == 40 ? new Broken() : Model(c), probe, ErrorFunctions.SquaredError,
            new CheckpointAnalysisOptions { LanczosSteps = [8], Probe = { Method = ProbeMethod.Lanczos, SketchVectors = 0 } });

        var ex = Assert.Throws<TrainingDynamicsAssertionException>(() => result.AssertNoFailedProbes());

        Assert.Contains("but 1 of 4 did: step 40 at m = 8: ", ex.Message);
    }

    /// <summary>e_k² / n = λ_k e^{−λ_k t}: the energy per unit ln λ of an s = 1 spectrum after time t.</summary>
    private static nn.Module<Tensor, Tensor> Model(Checkpoint checkpoint) => WithEnergies(l => l * Math.Exp(-l * checkpoint.Step));

    /// <summary>The linear model whose error puts energy e_k² / n = <paramref name="energy"/>(λ_k) on eigenvalue λ_k (w_k² = energy / λ_k).</summary>
    private static nn.Module<Tensor, Tensor> WithEnergies(Func<double, double> energy)
    {
        var model = nn.Linear(N, 1, hasBias: false, dtype: ScalarType.Float64);
        using var noGrad = no_grad();
        model.weight!.copy_(tensor(Lambdas.Select(l => Math.Sqrt(energy(l) / l)).ToArray()).unsqueeze(0));
        return model;
    }

    /// <summary>Returns [n] where the squared error needs the targets' [n, 1]: the probe fails on its error function.</summary>
    private sealed class Broken : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Linear _layer = nn.Linear(N, 1, hasBias: false, dtype: ScalarType.Float64);

        public Broken()
            : base("broken") => RegisterComponents();

        public override Tensor forward(Tensor input) => _layer.call(input).reshape(-1);
    }
}
