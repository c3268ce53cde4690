using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Operators;
using TrainMonitor.Shells;
using TrainMonitor.Spectral;
using static TorchSharp.torch;

namespace TrainMonitor.Benchmarks;

/// <summary>
/// Lanczos shell profiles against exact eigendecompositions: random operators with power-law spectra
/// (n = 2000) and the true error operators of a small MLP and a small causal-attention model (float64).
/// Checks that every exact shell energy lies inside its certified Gauss–Radau interval and reports interval
/// widths, estimate errors and the error of λ_max.
/// </summary>
internal static class AccuracySuite
{
    // Containment slack for float64 round-off, relative to the total energy. The certified intervals are sums of
    // Gauss/Radau weights Mass·S₁ⱼ² from eigendecompositions of matrices of order ≤ 65 (absolute error ≲ 65ε of
    // the mass each); Lanczos in float64 with full reorthogonalisation is exact for an operator within ≲ √n·ε‖M‖
    // of the one given (√2000·ε ≈ 1e-14); the autograd operator's products agree with the explicit M to ≈ 3e-14
    // (DESIGN.md 1.1); the reference weights (qᵢᵀe)²/n come from eigh of an n ≤ 2000 matrix (≲ nε ≈ 4e-13 of the
    // mass). All of this is ≲ 1e-12 of the total; 1e-10 leaves a margin of 100 while staying far below a genuine
    // failure (interval widths are percents of the total). The same slack as the unit tests; not tuned here. The
    // largest excess before slack is printed so the margin can be read off.
    private const double Slack = 1e-10;

    private const int PowerLawSize = 2000;

    public static int Run(string[] args)
    {
        var steps = Arguments.Int(args, "--steps", LanczosOptions.DefaultSteps);
        var showShells = args.Contains("--shells", StringComparer.OrdinalIgnoreCase);
        var started = Stopwatch.StartNew();
        Console.WriteLine(Invariant(
            $"accuracy: Lanczos m = {steps} against eigh; grid q = {ShellGrid.DefaultRatio}, null floor {NullFloor.Default} (float64), {NullFloor.DefaultFor(ScalarType.Float32)} (float32 cases); containment slack {Slack:G2}·total (float64); {torch.get_num_threads()} threads"));

        var cases = new List<CaseAccuracy>();
        foreach (var spec in PowerLawCases())
        {
            cases.Add(Timed(() =>
            {
                var (op, exact) = spec.Build();
                using (op)
                {
                    return CaseAccuracy.Measure(spec.Name, op, exact, steps);
                }
            }));
            Report(cases[^1], showShells);
        }

        cases.Add(Timed(() => MlpCase([16, 64, 64, 4], steps)));
        Report(cases[^1], showShells);
        cases.Add(Timed(() => MlpCase([16, 8, 4], steps)));
        Report(cases[^1], showShells);
        cases.Add(Timed(() => AttentionCase(steps)));
        Report(cases[^1], showShells);
        foreach (var build in RankDeficientCase.All())
        {
            cases.Add(Timed(() => Float32Case(build, steps)));
            Report(cases[^1], showShells);
        }

        Console.WriteLine();
        PrintTable(cases);

        var intervals = cases.Sum(c => c.Checks.Count);
        var violations = cases.SelectMany(c => c.Violations(Slack).Select(v => (Case: c, Interval: v))).ToArray();
        foreach (var (c, v) in violations)
        {
            var gap = Math.Min(c.Exact.RelativeGapTo(v.LambdaLower), c.Exact.RelativeGapTo(v.LambdaUpper));
            Console.WriteLine(Invariant($"VIOLATION {c.Name} interval {v.Label} [{v.LambdaLower:G6}, {v.LambdaUpper:G6}):"));
            Console.WriteLine(Invariant($"  exact {v.Exact:R} not in [{v.Lower:R}, {v.Upper:R}], excess {Sci(v.Excess / c.Total)} of total {c.Total:R}"));
            Console.WriteLine(Invariant($"  nearest exact eigenvalue to an edge: {Sci(gap)}·λ_max away"));
        }

        // Widths, errors and the excess before slack are over the float64 cases, as before the float32 cases were added,
        // so those figures stay comparable; containment is over every case.
        var float64 = cases.Where(c => !c.IsFloat32).ToArray();
        var float32 = cases.Where(c => c.IsFloat32).ToArray();
        var widths = float64.SelectMany(c => c.OccupiedShells.Select(s => s.Width / c.Total)).OrderBy(w => w).ToArray();
        var held = 100.0 * (intervals - violations.Length) / intervals;
        var medianWidth = PairedTiming.Median(widths);
        var maxShellError = float64.Max(c => c.MaxEstimateError);
        var lambdaError = float64.Max(c => c.LambdaMaxRelativeError);
        var float32Intervals = float32.Sum(c => c.Checks.Count);
        var float32Held = 100.0 * (float32Intervals - float32.Sum(c => c.Violations(Slack).Count())) / float32Intervals;
        var float32Excess = float32.Max(c => c.MaxExcessOverSlack(Slack));
        Console.WriteLine(Invariant($"{intervals} intervals checked (null + shells + above the top shell, per case), {violations.Length} outside their bounds"));
        Console.WriteLine(Invariant($"largest excess over a bound before slack: {Sci(float64.Max(c => c.MaxExcess))} of total (slack {Slack:G2}; float64 cases)"));
        Console.WriteLine(Invariant(
            $"float32 cases against their float64 twins: {float32Intervals} intervals, largest excess {float32Excess:G2} of its slack ε₃₂·total·(4 + 2√(λ_max/a) + 2√(λ_max/b))"));
        Console.WriteLine(Invariant(
            $"width over {widths.Length} occupied shells: median {medianWidth:P2}, 90th percentile {widths[(int)(0.9 * widths.Length)]:P2}, max {widths[^1]:P2} of total"));
        // Quantile frontier: the mass slack is the suite's (relative to the total) for float64 cases and each float32 case's
        // largest interval slack; the node slack is the bounds' node tolerance 64ε·λ_max, with the operator's ε (a float32
        // operator's eigenvalues differ from its float64 twin's by O(ε₃₂·λ_max): measured 7e-8 relative).
        var quantileChecks = cases.SelectMany(c => c.Quantiles.Select(q => (Case: c, Check: q,
            Held: q.Holds(c.IsFloat32 ? c.Checks.Max(k => c.SlackOf!(k)) / c.Total : Slack, NodeSlack(c))))).ToArray();
        foreach (var (c, q, _) in quantileChecks.Where(x => !x.Held))
        {
            Console.WriteLine(Invariant(
                $"QUANTILE VIOLATION {c.Name} p = {q.Fraction}: exact {q.ExactLambda:R} not in [{q.Frontier.Lower:R}, {q.Frontier.Upper:R}] (estimate {q.Frontier.Lambda:R}; {q.Frontier.Reason})"));
        }

        var quantileHeld = 100.0 * quantileChecks.Count(x => x.Held) / quantileChecks.Length;
        var quantileWidths = quantileChecks.Where(x => !x.Case.IsFloat32).Select(x => x.Check.WidthDecades).Order().ToArray();
        var quantileMedianWidth = PairedTiming.Median(quantileWidths);
        var quantileMaxWidth = quantileWidths[^1];
        var quantileEstimateError = quantileChecks.Where(x => !x.Case.IsFloat32).Max(x => Math.Abs(Math.Log10(x.Check.Frontier.Lambda / x.Check.ExactLambda)));
        Console.WriteLine(Invariant(
            $"quantile frontier at p ∈ {{{string.Join(", ", CaseAccuracy.QuantileFractions)}}}: {quantileChecks.Count(x => x.Held)}/{quantileChecks.Length} certified intervals hold; float64 widths median {quantileMedianWidth:G3}, max {quantileMaxWidth:G3} decades; largest |log10(estimate/exact)| {quantileEstimateError:G3}"));
        Console.WriteLine(Invariant($"wall time {started.Elapsed.TotalSeconds:F1} s"));
        Console.WriteLine(Invariant(
            $"RESULT cases={cases.Count} bounds_hold={held:G6} median_bound_width={medianWidth:G3} max_shell_err={maxShellError:G3} lambda_max_rel_err={lambdaError:G3} float32_cases={float32.Length} float32_bounds_hold={float32Held:G6} float32_max_excess_over_slack={float32Excess:G3} quantile_bounds_hold={quantileHeld:G6} quantile_median_width_decades={quantileMedianWidth:G3} quantile_max_width_decades={quantileMaxWidth:G3} quantile_max_estimate_err_decades={quantileEstimateError:G3}"));
        return violations.Length == 0 && quantileChecks.All(x => x.Held) ? 0 : 1;
    }

    /// <summary>
    /// Three exponents a × three seeds; the error's energy exponent b cycles so each (a, b) pair appears once;
    /// the scale c is log-uniform on [0.1, 10] (drawn from the seed) so eigenvalues do not sit on shell edges by
    /// construction (c = 1 would put every λ_{2^k} exactly on one).
    /// </summary>
    private static IEnumerable<PowerLawOperator> PowerLawCases()
    {
        double[] exponents = [1.0, 1.5, 2.0];
        double[] energyExponents = [0.5, 1.0, 1.5];
        for (var s = 0; s < 3; s++)
        {
            for (var i = 0; i < exponents.Length; i++)
            {
                var seed = (ulong)(1 + (3 * s) + i);
                var scale = Math.Pow(10, -1 + (2 * new Random((int)seed).NextDouble()));
                yield return new PowerLawOperator(PowerLawSize, exponents[i], energyExponents[(s + i) % 3], scale, seed);
            }
        }
    }

    /// <summary>
    /// MLP with GELU, float64, cross-entropy on n = 256 random examples. 16-64-64-4 has P = 5508 &gt; n; 16-8-4 has
    /// P = 172 &lt; n, so M has rank ≤ 172 and the error has a genuine null component for the null bounds to catch.
    /// </summary>
    private static CaseAccuracy MlpCase(int[] widths, int steps)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(101);
        using var model = GeluMlp.Create(widths, generator, ScalarType.Float64);
        var x = randn(new long[] { 256, widths[0] }, dtype: ScalarType.Float64, generator: generator);
        var y = randint(0, widths[^1], new long[] { 256 }, generator: generator);
        return ModelCase($"mlp {string.Join("-", widths)} gelu ce", model, x, y, ErrorFunctions.CrossEntropy, steps);
    }

    /// <summary>
    /// One-layer causal self-attention (SDPA), vocabulary 16, width 32, 2 heads, 12 sequences of 24 tokens:
    /// per-token cross-entropy, n = 288.
    /// </summary>
    private static CaseAccuracy AttentionCase(int steps)
    {
        const int vocabulary = 16;
        const int length = 24;
        using var scope = NewDisposeScope();
        using var generator = new Generator(202);
        using var model = new CausalAttentionModel(vocabulary, width: 32, heads: 2, length, generator, ScalarType.Float64);
        var sequences = randint(0, vocabulary, new long[] { 12, length + 1 }, generator: generator);
        var input = sequences.narrow(1, 0, length);
        var target = sequences.narrow(1, 1, length);
        // The operators switch the process-wide flash SDPA flag off around each forward (DESIGN.md 4: its double
        // backward aborts the process on CPU); check that they leave it as they found it.
        var flashBefore = backends.cuda.flash_sdp_enabled();
        var result = ModelCase("attention sdpa 1 layer per-token ce", model, input, target, ErrorFunctions.CrossEntropyPerToken, steps);
        result.Note += Invariant($"; flash SDPA flag {flashBefore} before, {backends.cuda.flash_sdp_enabled()} after");
        return result;
    }

    /// <summary>Lanczos through the matrix-free autograd operator; the reference is eigh of the explicit M.</summary>
    private static CaseAccuracy ModelCase(string name, nn.Module<Tensor, Tensor> model, Tensor input, Tensor target, ErrorFunction error, int steps)
    {
        using var scope = NewDisposeScope();
        ExactSpectrum exact;
        Tensor exactError;
        using (var exactOp = ExactErrorOperator.ForModel(model, input, target, error))
        {
            exact = ExactSpectrum.Of(exactOp);
            exactError = exactOp.Error.clone();
        }

        using var op = AutogradErrorOperator.ForModel(model, input, target, error);
        var result = CaseAccuracy.Measure(name, op, exact, steps);
        var errorDifference = (op.Error - exactError).norm().item<double>() / exactError.norm().item<double>();
        result.Note = Invariant(
            $"P = {op.ParameterCount}, JVP {op.JvpMethod}, {op.Applications} products; autograd and explicit error vectors differ by {Sci(errorDifference)} (relative)");
        return result;
    }

    /// <summary>
    /// A rank-deficient float32 model (the nullfloor suite's cases): Lanczos through the float32 autograd operator
    /// with the float32 default null floor, against eigh of the float64 twin's explicit M. The reference is not the
    /// operator as computed, so containment allows the float32 slack of <see cref="NullFloorSuite.Float32Slack"/>.
    /// </summary>
    private static CaseAccuracy Float32Case(Func<RankDeficientCase> build, int steps)
    {
        using var scope = NewDisposeScope();
        using var c = build();
        ExactSpectrum exact;
        using (var exactOp = ExactErrorOperator.ForModel(c.Twin, c.TwinInput, c.TwinTarget, c.Error))
        {
            exact = ExactSpectrum.Of(exactOp);
        }

        using var op = AutogradErrorOperator.ForModel(c.Model, c.Input, c.Target, c.Error);
        var result = CaseAccuracy.Measure("f32 " + c.Name, op, exact, steps);
        var total = result.Total;
        result.SlackOf = k => NullFloorSuite.Float32Slack(k, exact.LambdaMax, total);
        result.Note = Invariant($"P = {op.ParameterCount}, {op.ComputeDtype} operator against the float64 twin; {c.Why}");
        return result;
    }

    private static CaseAccuracy Timed(Func<CaseAccuracy> run)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = run();
        result.Seconds = stopwatch.Elapsed.TotalSeconds;
        return result;
    }

    private static void Report(CaseAccuracy c, bool showShells)
    {
        var invariant = c.BrokeDown ? " (invariant Krylov space)" : "";
        var massDifference = Math.Abs(c.ExactMass - c.Total) / c.Total;
        Console.WriteLine();
        Console.WriteLine(Invariant($"{c.Name}: n = {c.Size}, {c.Steps} steps{invariant}, {c.Seconds:F1} s"));
        Console.WriteLine(Invariant(
            $"  exact spectrum [{c.ExactLambdaMin:G3}, {c.ExactLambdaMax:G6}], floor {c.Floor:G3}, total {c.Total:G6} (Σ exact weights differs by {Sci(massDifference)})"));
        if (c.Note.Length > 0)
        {
            Console.WriteLine("  " + c.Note);
        }

        var widest = c.WidestShell;
        var held = c.Checks.Count - c.Violations(Slack).Count();
        Console.WriteLine(Invariant(
            $"  {held}/{c.Checks.Count} intervals hold; median width {c.MedianWidthOccupied:P2} of total over {c.OccupiedShells.Count()} occupied shells ({c.MedianWidthAll:P2} over all {c.Shells.Count()})"));
        Console.WriteLine(Invariant(
            $"  widest shell {widest.Label} [{widest.LambdaLower:G3}, {widest.LambdaUpper:G3}): {widest.Width / c.Total:P2}; max |estimate − exact| {c.MaxEstimateError:P3}"));
        Console.WriteLine(Invariant($"  λ_max {c.LambdaMax:R} (Lanczos) vs {c.ExactLambdaMax:R} (eigh)"));
        Console.WriteLine("  quantile frontier: " + string.Join("; ", c.Quantiles.Select(q => Invariant(
            $"p {q.Fraction}: exact {q.ExactLambda:G4} in [{q.Frontier.Lower:G4}, {q.Frontier.Upper:G4}] est {q.Frontier.Lambda:G4}"))));
        if (showShells)
        {
            Console.WriteLine("  interval      λ from       λ to      exact   estimate      lower      upper  (fractions of total)");
            foreach (var s in c.Checks.Where(s => s.Upper > 0 || s.Exact > 0 || s.Estimate > 0))
            {
                Console.WriteLine(Invariant(
                    $"  {s.Label,-8} {s.LambdaLower,11:G4} {s.LambdaUpper,11:G4} {s.Exact / c.Total,10:F6} {s.Estimate / c.Total,10:F6} {s.Lower / c.Total,10:F6} {s.Upper / c.Total,10:F6}"));
            }
        }
    }

    private static void PrintTable(IReadOnlyList<CaseAccuracy> cases)
    {
        var w = cases.Max(c => c.Name.Length);
        Console.WriteLine(Invariant($"| {"case".PadRight(w)} |    n | steps | shells | bounds hold | median width | max width | max shell err | λ_max rel err | time (s) |"));
        Console.WriteLine($"|{new string('-', w + 2)}|-----:|------:|-------:|------------:|-------------:|----------:|--------------:|--------------:|---------:|");
        foreach (var c in cases)
        {
            var held = $"{c.Checks.Count - c.Violations(Slack).Count()}/{c.Checks.Count}";
            var maxWidth = c.WidestShell.Width / c.Total;
            Console.WriteLine(Invariant(
                $"| {c.Name.PadRight(w)} | {c.Size,4} | {c.Steps,5} | {c.Shells.Count(),6} | {held,11} | {c.MedianWidthOccupied,12:P2} | {maxWidth,9:P1} | {c.MaxEstimateError,13:P2} | {Sci(c.LambdaMaxRelativeError),13} | {c.Seconds,8:F1} |"));
        }
    }

    private static double NodeSlack(CaseAccuracy c) => 64 * (c.IsFloat32 ? 1.1920928955078125e-7 : 2.220446049250313e-16) * c.ExactLambdaMax;

    private static string Sci(double value) => value.ToString("0.0E+00", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
