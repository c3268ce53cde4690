using TrainMonitor.Spectral;

namespace TrainMonitor.Tests.Spectral;

public sealed class SpectralMeasureTests
{
    [Fact]
    public void AveragesBatchesAndExposesMassPositionAndLambdaMax()
    {
        // Three batches of different sizes; references computed directly from the explicit matrices:
        // mass_b = ‖e_b‖²/n_b, α₁ = e_bᵀA_b e_b / e_bᵀe_b. Round-off: a few ulps of sums of ≤ 64 terms → 1e-12.
        var sizes = new[] { 30, 70, 110 };
        var known = sizes.Select((n, b) => KnownSpectrumOperator.Create(
            Enumerable.Range(1, n).Select(i => (b + 1.0) * Math.Pow(i, -1.5)).ToArray(), (ulong)(50 + b))).ToArray();
        try
        {
            var components = known.Select(k => LanczosIteration.Run(k.Operator, new LanczosOptions { Steps = 12 })).ToArray();
            var measure = new SpectralMeasure(components);

            var masses = known.Select(k => k.Error.Sum(x => x * x) / k.Size).ToArray();
            var alphas = known.Select(k => k.Moment(1) / k.Moment(0)).ToArray();
            var expectedMass = masses.Average();
            var expectedPosition = masses.Zip(alphas, (m, a) => m * a).Sum() / masses.Sum();

            Assert.Equal(expectedMass, measure.TotalMass, 1e-12 * expectedMass);
            Assert.Equal(expectedMass, measure.Weights.Sum(), 1e-12 * expectedMass);
            Assert.Equal(expectedPosition, measure.SpectralPosition, 1e-12 * expectedPosition);
            for (var b = 0; b < components.Length; b++)
            {
                Assert.Equal(alphas[b], components[b].Alpha[0], 1e-12 * alphas[b]);
            }

            Assert.Equal(components.Sum(c => c.Steps), measure.Nodes.Count);
            Assert.Equal(components.Max(c => c.GaussRule().Nodes[^1]), measure.LambdaMax);
            Assert.True(measure.Nodes.Zip(measure.Nodes.Skip(1), (x, y) => x <= y).All(ok => ok));
            Assert.Equal(3, measure.Components.Count);

            // Integrate(x) over the averaged measure = mean over batches of e_bᵀA_b e_b / n_b.
            var expectedFirstMoment = known.Average(k => k.Moment(1));
            Assert.Equal(expectedFirstMoment, measure.Integrate(x => x), 1e-12 * expectedFirstMoment);

            // λ_max from 12 Lanczos steps is at most the true largest eigenvalue, and close to it here.
            var trueMax = known.Max(k => k.Eigenvalues[^1]);
            Assert.InRange(measure.LambdaMax, 0.999 * trueMax, trueMax * (1 + 1e-12));
        }
        finally
        {
            foreach (var k in known)
            {
                k.Dispose();
            }
        }
    }

    [Fact]
    public void EmptyComponentListThrows()
    {
        Assert.Throws<ArgumentException>(() => new SpectralMeasure(Array.Empty<JacobiMatrix>()));
    }
}
