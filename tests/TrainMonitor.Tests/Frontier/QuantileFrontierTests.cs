using TrainMonitor.Frontier;
using TrainMonitor.Spectral;
using TrainMonitor.Tests.Spectral;
using Xunit.Abstractions;

namespace TrainMonitor.Tests.Frontier;

/// <summary>
/// The energy-quantile frontier against independent references: the quantile of the explicit matrix's eigh spectrum
/// (exact paths, and containment in the certified interval under Lanczos), and the closed-form quantile of the
/// frozen-kernel density λ^s e^{−λ/λ_f}.
/// </summary>
public sealed class QuantileFrontierTests
{
    private readonly ITestOutputHelper _output;

    public QuantileFrontierTests(ITestOutputHelper output) => _output = output;

    /// <summary>The reference: sort the eigenpairs from the top and accumulate, independently of the library's code.</summary>
    private static double ReferenceQuantile(IReadOnlyList<double> eigenvalues, IReadOnlyList<double> weights, double floor, double p)
    {
        var pairs = eigenvalues.Zip(weights).Where(x => x.First >= floor && x.First > 0).OrderByDescending(x => x.First).ToArray();
        var total = pairs.Sum(x => x.Second);
        var above = 0.0;
        foreach (var (lambda, w) in pairs)
        {
            above += w;
            if (above >= p * total)
            {
                return lambda;
            }
        }

        return pairs[^1].First;
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void OnAnExactMeasureTheQuantileIsTheEigenvalueWhereTheTopEnergyReachesPAndTheIntervalHasZeroWidth(double p)
    {
        var spectrum = Enumerable.Range(1, 120).Select(j => 3.0 * Math.Pow(j, -1.7)).ToArray();
        using var known = KnownSpectrumOperator.Create(spectrum, seed: 31);
        var measure = new SpectralMeasure(ExactSpectralMeasure.Of(known.Operator));
        var floor = 1e-10 * measure.LambdaMax;

        var q = QuantileFrontier.Compute(measure, floor, p);

        Assert.True(q.IsDetermined);
        Assert.True(q.IsExact);
        Assert.Equal(p, q.EnergyFraction);
        var reference = ReferenceQuantile(known.Eigenvalues, known.Weights, floor, p);
        // Both are eigenvalues of the same matrix from two eigh calls: equal to round-off (120ε‖M‖ ≪ 1e-12 here).
        Assert.Equal(reference, q.Lambda, 1e-12);
        Assert.Equal(q.Lambda, q.Lower);
        Assert.Equal(q.Lambda, q.Upper);
    }

    [Fact]
    public void UnderLanczosTheCertifiedIntervalContainsTheExactQuantileOnHundredsOfRandomOperators()
    {
        var random = new Random(20261203);
        int[] steps = [4, 8, 12, 16, 24, 32, 48, 64];
        double[] fractions = [0.1, 0.25, 0.5, 0.75, 0.9];
        var cases = 0;
        var violations = new List<string>();
        var widths = new List<double>();
        var seed = 5000UL;
        for (var i = 0; i < 150; i++)
        {
            var batches = random.Next(4) == 0 ? random.Next(2, 4) : 1;
            var known = new List<KnownSpectrumOperator>();
            try
            {
                var components = new List<JacobiMatrix>();
                var k = steps[random.Next(steps.Length)];
                for (var b = 0; b < batches; b++)
                {
                    var n = random.Next(30, 220);
                    var a = 0.5 + (2.5 * random.NextDouble());
                    var scale = Math.Pow(10, -2 + (4 * random.NextDouble()));
                    var spectrum = Enumerable.Range(1, n).Select(j => scale * Math.Pow(j, -a)).ToArray();
                    if (random.Next(5) == 0)
                    {
                        // A null direction and an isolated top eigenvalue, as in real NTK spectra.
                        spectrum[^1] = 0;
                        spectrum[0] *= 20;
                    }

                    var op = KnownSpectrumOperator.Create(spectrum, seed++);
                    known.Add(op);
                    components.Add(LanczosIteration.Run(op.Operator, new LanczosOptions { Steps = k }));
                }

                var measure = new SpectralMeasure(components);
                var floor = 1e-10 * measure.LambdaMax;
                var p = fractions[random.Next(fractions.Length)];
                var q = QuantileFrontier.Compute(measure, floor, p);
                cases++;
                var eigenvalues = known.SelectMany(x => x.Eigenvalues).ToArray();
                var weights = known.SelectMany(x => x.Weights.Select(w => w / batches)).ToArray();
                var exact = ReferenceQuantile(eigenvalues, weights, floor, p);

                // Round-off slack, two kinds. (1) The reference cumulative sum is exact to ~1e-13 of the mass, so a reference
                // quantile on a knife edge may move to a neighbouring eigenvalue: accept it when p ± 1e-9 brackets it.
                // (2) Eigenvalues themselves: after breakdown the interval has zero width at a Ritz value, which differs from
                // eigh's eigenvalue by O(k·ε·‖M‖); the slack is the bounds' own node tolerance, 64ε·λ_max.
                var nodeSlack = 64 * 2.220446049250313e-16 * measure.LambdaMax;
                bool Inside(double value) => value >= q.Lower - nodeSlack && value <= q.Upper + nodeSlack;
                var ok = Inside(exact)
                    || Inside(ReferenceQuantile(eigenvalues, weights, floor, p * (1 - 1e-9)))
                    || Inside(ReferenceQuantile(eigenvalues, weights, floor, p * (1 + 1e-9)));
                if (!q.IsDetermined || !ok || !(q.Lower <= q.Lambda && q.Lambda <= q.Upper))
                {
                    violations.Add($"case {i} k={k} B={batches} p={p}: exact {exact:R}, estimate {q.Lambda:R} in [{q.Lower:R}, {q.Upper:R}] ({q.Reason})");
                }

                if (double.IsFinite(q.Upper) && q.Lower > 0)
                {
                    widths.Add(Math.Log10(q.Upper / q.Lower));
                }
            }
            finally
            {
                known.ForEach(x => x.Dispose());
            }
        }

        widths.Sort();
        _output.WriteLine($"{cases} cases, {violations.Count} violations; finite intervals {widths.Count}, median width {widths[widths.Count / 2]:F3} decades");
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations.Take(20)));

        // Not vacuous: most intervals are finite and far narrower than the spectrum (1–7 decades wide here).
        Assert.True(widths.Count >= 0.9 * cases, $"only {widths.Count} of {cases} intervals finite");
        Assert.InRange(widths[widths.Count / 2], 0.0, 1.0);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void UnderTheFrozenKernelDensityTheQuantileIsAFixedMultipleOfTheFrontier(double s)
    {
        // Energy per unit ln λ ∝ λ^s e^{−λ/λ_f}, i.e. a Gamma(s, λ_f) law in λ. The median of Gamma(1) is ln 2; of Gamma(2)
        // it solves e^{−x}(1 + x) = 1/2, x = 1.678346990016661. A dense log grid (h = ln λ spacing 0.002) carries the
        // density; its quantile is within h of the continuous one, so the ratio is constant to a relative 2h.
        var median = s == 1.0 ? Math.Log(2) : 1.678346990016661;
        const double h = 0.002;
        foreach (var lambdaF in new[] { 1e-4, 1e-3, 1e-2 })
        {
            var nodes = new List<double>();
            var weights = new List<double>();
            for (var u = Math.Log(1e-9); u <= Math.Log(1e2); u += h)
            {
                var lambda = Math.Exp(u);
                nodes.Add(lambda);
                weights.Add(Math.Pow(lambda / lambdaF, s) * Math.Exp(-lambda / lambdaF) * h);
            }

            var measure = new SpectralMeasure(JacobiMatrix.FromDiscreteMeasure(nodes, weights));
            var q = QuantileFrontier.Compute(measure, 0, 0.5);

            Assert.InRange(q.Lambda / lambdaF, median * Math.Exp(-2 * h), median * Math.Exp(2 * h));
        }
    }

    [Fact]
    public void ZeroErrorAndErrorThatIsAllNullAreUndeterminedWithAReason()
    {
        var zero = new SpectralMeasure(JacobiMatrix.FromDiscreteMeasure([0.5, 1.0], [0.0, 0.0]));
        var q = QuantileFrontier.Compute(zero, 1e-10, 0.5);
        Assert.False(q.IsDetermined);
        Assert.Equal("the error is zero", q.Reason);
        Assert.Equal(double.NaN, q.Lambda);

        var allNull = new SpectralMeasure(JacobiMatrix.FromDiscreteMeasure([0.0, 1e-12, 1.0], [0.3, 0.2, 0.0]));
        var n = QuantileFrontier.Compute(allNull, 1e-10, 0.5);
        Assert.False(n.IsDetermined);
        Assert.StartsWith("all error energy lies below the null floor", n.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NullEnergyIsLeftOutOfTheFraction()
    {
        // Half the energy is null (at 0), the rest is split evenly over 1, 2 and 4: the median of the non-null part is 2,
        // while a median of all the energy would be 1.
        var measure = new SpectralMeasure(JacobiMatrix.FromDiscreteMeasure([0.0, 1.0, 2.0, 4.0], [0.3, 0.1, 0.1, 0.1]));
        Assert.Equal(2.0, QuantileFrontier.Compute(measure, 1e-10, 0.5).Lambda);
        Assert.Equal(4.0, QuantileFrontier.Compute(measure, 1e-10, 0.3).Lambda);
        Assert.Equal(1.0, QuantileFrontier.Compute(measure, 1e-10, 0.9).Lambda);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void AFractionOutsideTheOpenUnitIntervalIsRejected(double p)
    {
        var measure = new SpectralMeasure(JacobiMatrix.FromDiscreteMeasure([1.0], [1.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => QuantileFrontier.Compute(measure, 0, p));
    }
}
