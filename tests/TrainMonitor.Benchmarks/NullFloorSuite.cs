using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using TrainMonitor.Operators;
using TrainMonitor.Operators.Gram;
using TrainMonitor.Probing;
using TrainMonitor.Shells;
using TrainMonitor.Spectral;
using static TorchSharp.torch;

namespace TrainMonitor.Benchmarks;

/// <summary>
/// The null floor of float32 models (issue 15). On rank-deficient float32 models: the largest spurious eigenvalue
/// (an exact zero of the float64 twin's M, lifted by float32 round-off) of the float32 Gram M and of the float32
/// Lanczos operator, relative to λ_max — which sets <see cref="NullFloor.EpsilonMultiple"/> — and, with the old floor
/// (1e-10·λ_max) and the dtype default, the null energy error and the containment of every exact shell energy.
/// </summary>
internal static class NullFloorSuite
{
    private static readonly double Epsilon32 = Math.ScaleB(1, -23);

    // Exact zeros of the twin's M sit at ≲ n·ε₆₄·λ_max ≈ 6e-14·λ_max (n = 256); genuine eigenvalues of these models
    // are above 1e-5·λ_max (printed). 1e-9 separates the two with room on both sides.
    private const double RankTolerance = 1e-9;

    private const double IssueBar = 1e-4;

    /// <summary>
    /// Containment slack of one interval [a, b) of a float32 probe against the float64 twin (DESIGN.md 1.3: a few units
    /// of float32 round-off times the total energy), in absolute units. The float32 error vector differs from the
    /// twin's by ≈ ε₃₂ per entry (relative), which moves the total and each weight by ≈ 2ε₃₂ of it: 4ε₃₂·total. At
    /// an edge b, J₃₂ = J + δJ with ‖δJ‖ ≈ κε₃₂‖J‖ (κ ≈ 1 per product: J and Jᵀ, so 2) couples eigen-directions
    /// either side of b by eᵢᵀ δM eⱼ ≲ κε₃₂ √λ_max (√λᵢ + √λⱼ) |eᵢ||eⱼ| against a gap of order b (logarithmic shells),
    /// which rotates energy across the edge by ≲ 2κ ε₃₂ √(λ_max/b) of the total — first-order perturbation of the
    /// spectral projector of J Jᵀ. Not tuned: the run prints the largest excess as a fraction of this slack.
    /// </summary>
    public static double Float32Slack(IntervalCheck interval, double lambdaMax, double total)
    {
        static double Edge(double edge, double lambdaMax) =>
            double.IsFinite(edge) && edge > 0 ? 2 * Math.Sqrt(lambdaMax / edge) : 0;

        return Epsilon32 * total * (4 + Edge(interval.LambdaLower, lambdaMax) + Edge(interval.LambdaUpper, lambdaMax));
    }

    public static int Run(string[] args)
    {
        var steps = Arguments.Int(args, "--steps", LanczosOptions.DefaultSteps);
        var started = Stopwatch.StartNew();
        var epsilon = Epsilon32;
        Console.WriteLine(Invariant(
            $"nullfloor: float32 models against their float64 twins; Lanczos m = {steps}; ε₃₂ = {epsilon:G3}; default float32 floor {NullFloor.DefaultFor(ScalarType.Float32)} (c = {NullFloor.EpsilonMultiple}); slack ε₃₂·total·(4 + 2√(λ_max/a) + 2√(λ_max/b)) per interval [a, b); {torch.get_num_threads()} threads"));

        double maxSpuriousGram = 0, maxSpuriousLanczos = 0, minGenuine = double.PositiveInfinity;
        var rows = new List<Row>();
        foreach (var build in RankDeficientCase.All())
        {
            using var scope = NewDisposeScope();
            using var c = build();
            ExactSpectrum exact;
            Tensor nullComponent;
            using (var exactOp = ExactErrorOperator.ForModel(c.Twin, c.TwinInput, c.TwinTarget, c.Error))
            {
                exact = ExactSpectrum.Of(exactOp);
                var (values, vectors) = linalg.eigh(exactOp.Matrix);
                var zeros = values.lt(RankTolerance * exact.LambdaMax).sum().item<long>();
                var basis = vectors.narrow(1, 0, zeros);
                nullComponent = basis.mv(basis.t().mv(exactOp.Error));
            }

            var n = exact.Size;
            var rank = exact.Eigenvalues.Count(l => l > RankTolerance * exact.LambdaMax);
            var largestZero = exact.Eigenvalues.Take(n - rank).Select(Math.Abs).DefaultIfEmpty(0).Max() / exact.LambdaMax;
            var smallestGenuine = exact.Eigenvalues[n - rank] / exact.LambdaMax;
            minGenuine = Math.Min(minGenuine, smallestGenuine);
            var trueNull = exact.MassIn(double.NegativeInfinity, RankTolerance * exact.LambdaMax) / exact.Mass;

            ExactSpectrum gram;
            using (var gramOp = GramErrorOperator.ForModel(c.Model, c.Input, c.Target, c.Error))
            {
                gram = ExactSpectrum.Of(gramOp);
            }

            double asymmetry;
            ExactSpectrum lanczosOperator;
            double lift;
            using (var autograd = AutogradErrorOperator.ForModel(c.Model, c.Input, c.Target, c.Error))
            {
                (lanczosOperator, asymmetry) = ExplicitSpectrum(autograd);
                // What Lanczos, which starts from e, sees of the null space: ‖M₃₂ z‖/‖z‖ for z the null component of e
                // (a Ritz value from the null space is at most this). The explicit columns M₃₂ eᵢ above round differently.
                lift = autograd.Apply(nullComponent).norm().item<double>() / nullComponent.norm().item<double>() / exact.LambdaMax;
            }

            var spuriousGram = Spurious(gram, n - rank);
            var spuriousLanczos = Math.Max(Spurious(lanczosOperator, n - rank), lift);
            maxSpuriousGram = Math.Max(maxSpuriousGram, spuriousGram);
            maxSpuriousLanczos = Math.Max(maxSpuriousLanczos, spuriousLanczos);
            Console.WriteLine();
            Console.WriteLine(Invariant($"{c.Name} ({c.Why}): n = {n}, rank {rank}, true null energy {trueNull:P2} of total"));
            Console.WriteLine(Invariant(
                $"  float64 twin: exact zeros ≤ {Sci(largestZero)}·λ_max, smallest genuine eigenvalue {Sci(smallestGenuine)}·λ_max"));
            Console.WriteLine(Invariant(
                $"  largest spurious eigenvalue: Gram float32 {Sci(spuriousGram)}·λ_max ({spuriousGram / epsilon:F1} ε₃₂), Lanczos operator float32 {Sci(spuriousLanczos)}·λ_max ({spuriousLanczos / epsilon:F1} ε₃₂: explicit columns {Sci(Spurious(lanczosOperator, n - rank))}, ‖M z‖/‖z‖ on the null component of e {Sci(lift)}; M v asymmetric by {Sci(asymmetry)})"));

            foreach (var method in new[] { ProbeMethod.Gram, ProbeMethod.Lanczos })
            {
                foreach (var (label, fraction) in new[] { ("old 1e-10", (double?)NullFloor.DefaultFraction), ("default", null) })
                {
                    var options = new SpectralProbeOptions { Method = method, LanczosSteps = steps, SketchVectors = 0, NullFloorFraction = fraction };
                    var result = SpectralProbe.Run(c.Model, [new ProbeBatch(c.Input, c.Target)], c.Error, options);
                    var profile = result.Profile;
                    var checks = CaseAccuracy.CheckIntervals(profile, result.Measure, exact);
                    var total = profile.TotalEnergy;
                    var nullExact = exact.MassIn(double.NegativeInfinity, profile.NullEnergy.Floor);
                    double Slack(IntervalCheck k) => Float32Slack(k, exact.LambdaMax, total);
                    // The same floor on the float64 twin: how much of the null error is quadrature (m steps), not round-off.
                    var twinOptions = new SpectralProbeOptions { Method = method, LanczosSteps = steps, SketchVectors = 0, NullFloorFraction = profile.NullEnergy.Floor / profile.LambdaMax };
                    var twin = SpectralProbe.Run(c.Twin, [new ProbeBatch(c.TwinInput, c.TwinTarget)], c.Error, twinOptions).Profile;
                    var row = new Row(c.Name, method, label, profile.NullEnergy.Floor / profile.LambdaMax,
                        Math.Abs(profile.NullEnergy.Estimate - nullExact) / total,
                        Math.Abs(twin.NullEnergy.Estimate - exact.MassIn(double.NegativeInfinity, twin.NullEnergy.Floor)) / twin.TotalEnergy,
                        Math.Abs(profile.NullEnergy.Estimate / total - twin.NullEnergy.Estimate / twin.TotalEnergy),
                        checks.Max(k => k.Excess / Slack(k)),
                        checks.Count(k => k.Excess > Slack(k)), checks.Count,
                        SpuriousShellEnergy(profile, exact) / total);
                    rows.Add(row);
                    foreach (var k in checks.Where(k => k.Excess > Slack(k)))
                    {
                        var gap = Math.Min(exact.RelativeGapTo(k.LambdaLower), exact.RelativeGapTo(k.LambdaUpper));
                        Console.WriteLine(Invariant(
                            $"    outside: {k.Label} [{k.LambdaLower / exact.LambdaMax:G3}, {k.LambdaUpper / exact.LambdaMax:G3})·λ_max exact {k.Exact / total:G6} not in [{k.Lower / total:G6}, {k.Upper / total:G6}], excess {Sci(k.Excess / total)} = {k.Excess / Slack(k):F1} slack; nearest exact eigenvalue {Sci(gap)}·λ_max from an edge"));
                    }
                    Console.WriteLine(Invariant(
                        $"  {method,-7} floor {label,-9} ({row.FloorFraction:G3}·λ_max): null {profile.NullEnergy.Estimate / total:P4} vs exact {nullExact / total:P4} (|Δ| {Sci(row.NullError)}; float64 twin at this floor {Sci(row.TwinNullError)}, float32 − twin {Sci(row.RoundOffNullError)}); energy in shells below the exact spectrum {Sci(row.PhantomEnergy)}; {row.Checks - row.Violations}/{row.Checks} intervals hold, largest excess {row.MaxExcess:G2} of its slack"));
                }
            }
        }

        var fresh = rows.Where(r => r.Floor == "default").ToArray();
        var old = rows.Where(r => r.Floor != "default").ToArray();
        var nullGram = fresh.Where(r => r.Method == ProbeMethod.Gram).Max(r => r.NullError);
        var nullLanczos = fresh.Where(r => r.Method == ProbeMethod.Lanczos).Max(r => r.NullError);
        var roundOffGram = fresh.Where(r => r.Method == ProbeMethod.Gram).Max(r => r.RoundOffNullError);
        var roundOffLanczos = fresh.Where(r => r.Method == ProbeMethod.Lanczos).Max(r => r.RoundOffNullError);
        var held = 100.0 * fresh.Sum(r => r.Checks - r.Violations) / fresh.Sum(r => r.Checks);
        var maxSpurious = Math.Max(maxSpuriousGram, maxSpuriousLanczos);
        Console.WriteLine();
        Console.WriteLine(Invariant(
            $"largest spurious eigenvalue over cases: {Sci(maxSpurious)}·λ_max = {maxSpurious / epsilon:F1} ε₃₂ (Gram {Sci(maxSpuriousGram)}, Lanczos {Sci(maxSpuriousLanczos)}); smallest genuine eigenvalue {Sci(minGenuine)}·λ_max"));
        Console.WriteLine(Invariant(
            $"default float32 floor {NullFloor.DefaultFractionFor(ScalarType.Float32):G3}·λ_max: {NullFloor.DefaultFractionFor(ScalarType.Float32) / maxSpurious:F0}× the largest spurious eigenvalue"));
        Console.WriteLine(Invariant(
            $"old floor: null error Gram {Sci(old.Where(r => r.Method == ProbeMethod.Gram).Max(r => r.NullError))}, Lanczos {Sci(old.Where(r => r.Method == ProbeMethod.Lanczos).Max(r => r.NullError))}; {old.Sum(r => r.Violations)} of {old.Sum(r => r.Checks)} intervals outside"));
        Console.WriteLine(Invariant(
            $"default floor: null error Gram {Sci(nullGram)}, Lanczos {Sci(nullLanczos)} (bar {IssueBar:G2}); {fresh.Sum(r => r.Violations)} of {fresh.Sum(r => r.Checks)} intervals outside; largest excess {fresh.Max(r => r.MaxExcess):G2} of its slack; float64 twin's null error at the same floors: Gram {Sci(fresh.Where(r => r.Method == ProbeMethod.Gram).Max(r => r.TwinNullError))}, Lanczos {Sci(fresh.Where(r => r.Method == ProbeMethod.Lanczos).Max(r => r.TwinNullError))}; float32 against the twin (round-off alone): Gram {Sci(roundOffGram)}, Lanczos {Sci(roundOffLanczos)}"));
        Console.WriteLine(Invariant($"wall time {started.Elapsed.TotalSeconds:F1} s"));
        Console.WriteLine(Invariant(
            $"RESULT cases={rows.Count / 4} max_spurious_rel={maxSpurious:G3} max_spurious_eps={maxSpurious / epsilon:G3} epsilon_multiple={NullFloor.EpsilonMultiple:G3} float32_fraction={NullFloor.DefaultFractionFor(ScalarType.Float32):G3} null_err_gram={nullGram:G3} null_err_lanczos={nullLanczos:G3} null_roundoff_gram={roundOffGram:G3} null_roundoff_lanczos={roundOffLanczos:G3} bounds_hold={held:G6} max_excess_over_slack={fresh.Max(r => r.MaxExcess):G3} old_null_err_gram={old.Where(r => r.Method == ProbeMethod.Gram).Max(r => r.NullError):G3} old_null_err_lanczos={old.Where(r => r.Method == ProbeMethod.Lanczos).Max(r => r.NullError):G3}"));
        // Exit 1 only on a containment failure: the Lanczos null estimate carries the m-step quadrature error too, which
        // the float64 twin's figure separates and the certified null interval covers.
        return fresh.All(r => r.Violations == 0) ? 0 : 1;
    }

    /// <summary>Largest |λ| among the <paramref name="zeros"/> smallest eigenvalues, relative to λ_max.</summary>
    private static double Spurious(ExactSpectrum spectrum, int zeros) =>
        spectrum.Eigenvalues.Take(zeros).Select(Math.Abs).DefaultIfEmpty(0).Max() / spectrum.LambdaMax;

    /// <summary>Estimated energy in shells lying wholly between the null floor and the exact smallest genuine eigenvalue's shell: energy in shells that do not exist.</summary>
    private static double SpuriousShellEnergy(ShellProfile profile, ExactSpectrum exact)
    {
        var smallestGenuine = exact.Eigenvalues.First(l => l > RankTolerance * exact.LambdaMax);
        return profile.Shells.Where(s => s.LambdaUpper <= smallestGenuine && exact.MassIn(s.LambdaLower, s.LambdaUpper) == 0).Sum(s => s.Estimate);
    }

    /// <summary>The matrix behind a matrix-free operator, read column by column, symmetrised; and its relative asymmetry.</summary>
    private static (ExactSpectrum Spectrum, double Asymmetry) ExplicitSpectrum(IErrorOperator op)
    {
        using var scope = NewDisposeScope();
        var n = op.Size;
        var matrix = zeros(new long[] { n, n }, dtype: ScalarType.Float64, device: op.Device);
        for (var i = 0; i < n; i++)
        {
            using var column = NewDisposeScope();
            var unit = zeros(new long[] { n }, dtype: ScalarType.Float64, device: op.Device);
            unit[i] = 1.0;
            matrix[.., i] = op.Apply(unit);
        }

        var asymmetry = (matrix - matrix.t()).norm().item<double>() / matrix.norm().item<double>();
        return (ExactSpectrum.Of(matrix.add(matrix.t()).mul(0.5), op.Error), asymmetry);
    }

    private sealed record Row(string Case, ProbeMethod Method, string Floor, double FloorFraction, double NullError, double TwinNullError, double RoundOffNullError, double MaxExcess, int Violations, int Checks, double PhantomEnergy);

    private static string Sci(double value) => value.ToString("0.0E+00", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
