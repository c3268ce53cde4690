using TrainMonitor.Checkpoints;
using TrainMonitor.Operators;
using TrainMonitor.Probing;
using TrainMonitor.Shells;
using TrainMonitor.Tests.Spectral;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Checkpoints;

/// <summary>
/// The spread of each shell over the probe batches against a reference: every batch's explicit M measured by eigh in the
/// test, binned into the shells by hand, and the mean, sample standard deviation, min and max taken here.
/// </summary>
public sealed class BatchSpreadTests
{
    private const double Epsilon = GaussRadauBounds.MachineEpsilon;

    /// <summary>
    /// Four batches of different sizes and spectra: batch 2 stops below the others' top shells and batch 3 reaches a shell
    /// nobody else has, so shells occupied by some batches only (energy 0 in the rest) are part of the spread.
    /// </summary>
    private static KnownSpectrumOperator[] Batches()
    {
        var random = new Random(314);
        (int Size, int Low, int High)[] layout = [(20, -3, 4), (24, -2, 5), (16, -3, 2), (24, -6, 4)];
        return layout.Select((b, i) =>
        {
            // Each eigenvalue 2^(α + f) with f in [0.2, 0.8]: at least 0.13 λ from either edge of its shell.
            var spectrum = Enumerable.Range(0, b.Size).Select(_ => Math.Pow(2, random.Next(b.Low, b.High + 1) + 0.2 + (0.6 * random.NextDouble()))).ToArray();
            return KnownSpectrumOperator.Create(spectrum, seed: (ulong)(40 + i));
        }).ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MeanSdMinAndMaxOfEveryShellEqualTheBatchesEighMeasuresBinnedByHand(bool lanczos)
    {
        var batches = Batches();
        try
        {
            var factories = batches.Select(b => (Func<IErrorOperator>)(() =>
            {
                var op = new MatrixErrorOperator(tensor(b.Matrix, dtype: ScalarType.Float64).reshape(b.Size, b.Size), tensor(b.Error, dtype: ScalarType.Float64));
                return lanczos ? new MatrixFreeOperator(op) : op;
            })).ToArray();
            // m = 32 ≥ n for every batch: Lanczos breaks down on the whole space and its quadrature is the exact measure. A
            // floor at 1e-3 λ_max (0.05 or so) lies inside batch 3's spectrum: each batch must be binned above the averaged
            // profile's floor, not above 1e-3 of its own λ_max.
            var options = new SpectralProbeOptions { LanczosSteps = 32, SketchVectors = 0, NullFloorFraction = 1e-3 };

            var result = SpectralProbe.Run(factories, options);
            var (spread, outcomes) = BatchProfiles.Of(result, options.Frontier);

            Assert.All(result.Measure.Components, c => Assert.True(c.BrokeDown, "every batch's measure must be exact"));
            var reference = batches.Select(b => new ExactMeasure(b.Eigenvalues, b.Weights)).ToArray();
            var lambdaMax = reference.Max(r => r.LambdaMax);
            var floor = result.Profile.NullEnergy.Floor;
            Assert.Equal(1e-3 * lambdaMax, floor, 1e-3 * lambdaMax * 1e-12);
            Assert.Contains(reference[3].Eigenvalues, l => l < floor && l > 1e-3 * reference[3].LambdaMax);

            // The engine's M is the test's matrix; what differs is the eigensolver's round-off (eigh here and in the engine,
            // or Lanczos to breakdown): each backward stable, ‖ΔM‖ ≤ p(n) ε λ_max with p(n) = n for eigh and n·m for
            // Lanczos with full reorthogonalisation (m products, each a sum of n terms) — generous, measured errors grow
            // like √n. That moves each batch's shell energy by at most ExactMeasure.PerturbationBound.
            var perturbation = reference.Select(r => (r.Eigenvalues.Length + (lanczos ? r.Eigenvalues.Length * options.LanczosSteps : r.Eigenvalues.Length)) * Epsilon * r.LambdaMax).ToArray();
            for (var b = 0; b < reference.Length; b++)
            {
                reference[b].AssertAwayFromEdges(floor, perturbation[b]);
            }

            Assert.Equal(result.Profile.Shells.Select(s => s.Index), spread.Select(s => s.Index));
            var total = reference.Average(r => r.Total);
            var nodes = result.Measure.Nodes.Count;
            foreach (var (shell, measured) in result.Profile.Shells.Zip(spread))
            {
                var energies = reference.Select(r => r.Shell(shell.Index, floor)).ToArray();
                var allowed = reference.Select((r, b) => r.PerturbationBound(Math.Max(Math.Pow(2, shell.Index), floor), Math.Pow(2, shell.Index + 1), perturbation[b])).ToArray();
                var mean = energies.Average();
                var sd = Math.Sqrt(energies.Sum(e => (e - mean) * (e - mean)) / (energies.Length - 1));
                var context = $"shell {shell.Index}: batches [{string.Join(", ", energies.Select(e => e.ToString("g6")))}]";

                // Mean and min/max move by at most the largest batch's allowance; the sample sd is 1/√(B−1)-Lipschitz in
                // the vector of batch energies (Euclidean norm), so it moves by at most ‖allowance‖₂ / √(B−1).
                Assert.True(Math.Abs(mean - measured.Mean) <= allowed.Average() + (nodes * Epsilon * total), $"{context}; mean {measured.Mean:R} vs {mean:R}");
                Assert.True(Math.Abs(sd - measured.StandardDeviation) <= (Math.Sqrt(allowed.Sum(a => a * a) / (energies.Length - 1)) + (nodes * Epsilon * total)),
                    $"{context}; sd {measured.StandardDeviation:R} vs {sd:R}");
                Assert.True(Math.Abs(energies.Min() - measured.Min) <= allowed.Max() + (nodes * Epsilon * total), $"{context}; min {measured.Min:R}");
                Assert.True(Math.Abs(energies.Max() - measured.Max) <= allowed.Max() + (nodes * Epsilon * total), $"{context}; max {measured.Max:R}");

                // The averaged profile sums every node's weight / B; the mean sums each batch's shell and divides by B: the
                // same numbers added in another order, at most (nodes) ε · total apart.
                Assert.True(Math.Abs(shell.Estimate - measured.Mean) <= nodes * Epsilon * total, $"{context}; estimate {shell.Estimate:R}, mean {measured.Mean:R}");
            }

            // Shells some batch leaves empty are in the spread, with min 0: the spread covers the whole profile.
            Assert.Contains(spread, s => s.Min == 0 && s.Max > 0);
            Assert.Contains(spread, s => s.Min > 0);
            Assert.Equal(batches.Length, outcomes.Length);
        }
        finally
        {
            foreach (var b in batches)
            {
                b.Dispose();
            }
        }
    }

    [Fact]
    public void OneBatchHasNoStandardDeviationAndItsMinAndMaxAreItsEnergy()
    {
        using var batch = KnownSpectrumOperator.Create([0.3, 0.7, 1.5, 3.1, 6.2, 12.5], seed: 7);
        var options = new SpectralProbeOptions { SketchVectors = 0 };

        var result = SpectralProbe.Run([() => new MatrixErrorOperator(tensor(batch.Matrix, dtype: ScalarType.Float64).reshape(6, 6), tensor(batch.Error, dtype: ScalarType.Float64))], options);
        var (spread, outcomes) = BatchProfiles.Of(result, options.Frontier);

        Assert.Single(outcomes);
        Assert.All(spread.Zip(result.Profile.Shells), p =>
        {
            Assert.True(double.IsNaN(p.First.StandardDeviation));
            Assert.Equal(p.Second.Estimate, p.First.Mean);
            Assert.Equal(p.Second.Estimate, p.First.Min);
            Assert.Equal(p.Second.Estimate, p.First.Max);
        });
    }
}
