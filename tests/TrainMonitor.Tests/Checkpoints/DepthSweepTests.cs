using TrainMonitor.Checkpoints;
using TrainMonitor.Errors;
using TrainMonitor.Probing;
using TrainMonitor.Shells;
using Xunit.Abstractions;

namespace TrainMonitor.Tests.Checkpoints;

/// <summary>
/// The depth sweep on Lanczos against eigh: a rank-12 operator (bias-free float64 Linear(12, 1) on 24 examples) probed at
/// m = 4, 8 and 16; at every depth the exact shell energies lie inside the certified bounds, and at m = 16 ≥ rank + 1 the
/// Krylov space is exhausted, Lanczos breaks down and its estimates are the exact energies.
/// </summary>
public sealed class DepthSweepTests(ITestOutputHelper output)
{
    private const double Epsilon = GaussRadauBounds.MachineEpsilon;

    private const int Examples = 24;

    private const int Rank = 12;

    private static readonly int[] Depths = [4, 8, 16];

    /// <summary>Two eigenvalues per octave over six octaves, at 2^(k + 0.3) and 2^(k + 0.7): each at least 0.19 λ from an edge.</summary>
    private static readonly double[] Eigenvalues = Enumerable.Range(-3, 6).SelectMany(k => new[] { Math.Pow(2, k + 0.3), Math.Pow(2, k + 0.7) }).ToArray();

    [Fact]
    public async Task ExactEnergiesLieInsideEveryDepthsBoundsAndTheDeepestProbeEqualsThem()
    {
        using var setting = LinearProbeSetting.Create(Eigenvalues, Examples, Rank, seed: 77);
        var random = new Random(5);
        long[] steps = [10, 20];
        // Generic coefficients: the error has weight on all 12 eigenvectors, so the Krylov space has dimension 12.
        var weights = steps.ToDictionary(t => t, _ => setting.WeightsFor(Eigenvalues.Select(_ => 0.5 + random.NextDouble()).ToArray()));

        var result = await CheckpointAnalysis.RunAsync(steps.Select(t => new Checkpoint(t, $"rank-step{t}.pt")).ToArray(), c => setting.Model(weights[c.Step]),
            setting.Probe, ErrorFunctions.SquaredError,
            new CheckpointAnalysisOptions { RunName = "sweep", LanczosSteps = Depths, Probe = { Method = ProbeMethod.Lanczos, SketchVectors = 0 } });

        Assert.Equal(0, result.Failures);
        Assert.Equal(steps.Length, result.DepthSensitivity.Count);
        foreach (var sensitivity in result.DepthSensitivity)
        {
            var reference = setting.Reference(weights[sensitivity.Checkpoint.Step]);
            var total = reference.Total;
            var probes = Depths.Select(d => result.Probes.Single(p => p.LanczosSteps == d && p.Checkpoint == sensitivity.Checkpoint).Snapshot!).ToArray();
            for (var d = 0; d < Depths.Length; d++)
            {
                var snapshot = probes[d];
                var perturbation = Perturbation(setting, reference, Depths[d]);
                reference.AssertAwayFromEdges(snapshot.NullFloor, perturbation);
                foreach (var shell in snapshot.Shells)
                {
                    var (lo, hi) = (Math.Max(shell.LambdaLower, snapshot.NullFloor), shell.LambdaUpper);
                    var exact = reference.EnergyIn(lo, hi);

                    // "Certified" is for the operator as computed; the exact M differs from it by round-off only (float64
                    // products through J and Jᵀ, and Lanczos' own backward error), which moves the exact shell energy by
                    // at most PerturbationBound; the bounds themselves are sums of the m + 1 Radau weights from a
                    // tridiagonal eigensolver, each off by a few ε · total (64 ε, the engine's own node tolerance factor).
                    var slack = reference.PerturbationBound(lo, hi, perturbation) + (64 * (Depths[d] + 1) * Epsilon * total);
                    Assert.True(exact >= shell.Lower - slack && exact <= shell.Upper + slack,
                        $"step {snapshot.Step}, m = {Depths[d]}, shell {shell.Index}: exact {exact:R} outside [{shell.Lower:R}, {shell.Upper:R}] ± {slack:g3}");
                }
            }

            // m = 16 > rank: breakdown, so the quadrature is the measure itself (and the quantile's bracket closes).
            var deepest = probes[^1];
            var deepestPerturbation = Perturbation(setting, reference, Depths[^1]);
            Assert.Equal(deepest.Frontier.LambdaLower, deepest.Frontier.LambdaUpper);
            var tolerance = 0.0;
            var deviation = 0.0;
            foreach (var shell in deepest.Shells)
            {
                var (lo, hi) = (Math.Max(shell.LambdaLower, deepest.NullFloor), shell.LambdaUpper);
                var allowed = reference.PerturbationBound(lo, hi, deepestPerturbation) + (Examples * Epsilon * total);
                tolerance = Math.Max(tolerance, allowed);
                deviation = Math.Max(deviation, Math.Abs(shell.Estimate - reference.EnergyIn(lo, hi)));
                Assert.True(Math.Abs(shell.Estimate - reference.EnergyIn(lo, hi)) <= allowed,
                    $"step {deepest.Step}, shell {shell.Index}: m = 16 gives {shell.Estimate:R}, eigh {reference.EnergyIn(lo, hi):R}, allowed {allowed:g3}");
            }

            Assert.Equal(0, sensitivity.ShellsWithDisjointBounds);
            Assert.Equal(Depths, sensitivity.Depths);
            Assert.False(sensitivity.IsExact);

            // MaxChange compares the deepest estimates with the shallowest; the deepest are the exact energies (within
            // `tolerance`), so it equals max |E_exact − E(m = 4)| over the sweep's shells, to that tolerance.
            var expected = sensitivity.Shells.Max(s => Math.Abs(reference.EnergyIn(Math.Max(s.LambdaLower, deepest.NullFloor), s.LambdaUpper) - s.Estimates[0]));
            Assert.True(Math.Abs(sensitivity.MaxChange - expected) <= tolerance, $"MaxChange {sensitivity.MaxChange:R}, expected {expected:R} ± {tolerance:g3}");
            Assert.Equal(total, sensitivity.ErrorEnergy, Examples * Epsilon * total);

            // The sweep must be informative: m = 4 is far from exact (so the bounds above were tested where they are wide).
            Assert.True(sensitivity.MaxChangeRelative > 1e-3, $"m = 4 changed no shell by more than {sensitivity.MaxChangeRelative:g3} of the energy");
            Assert.Contains(probes[0].Shells, s => s.Upper - s.Lower > 1e-2 * total);
            output.WriteLine($"step {sensitivity.Checkpoint.Step}: MaxChange {sensitivity.MaxChange:g4} ({sensitivity.MaxChangeRelative:P2}) at shell {sensitivity.MaxChangeShell}; at m = 16 largest |E − E_eigh| {deviation:g3}, tolerance {tolerance:g3}, total {total:g3}");
        }
    }

    /// <summary>
    /// ‖ΔM‖ between the probed operator and the test's eigh: M v through J and Jᵀ (sums of d and n terms) against the test's
    /// X Xᵀ / n, the test's eigh (n ε λ_max) and Lanczos with full reorthogonalisation (m n ε λ_max, generous).
    /// </summary>
    private static double Perturbation(LinearProbeSetting setting, ExactMeasure reference, int depth) =>
        setting.FormationBound(extraTerms: Examples) + ((1 + depth) * Examples * Epsilon * reference.LambdaMax);
}
