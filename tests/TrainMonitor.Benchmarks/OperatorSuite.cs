using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Operators;
using TrainMonitor.Operators.Gram;
using TrainMonitor.Probing;
using TrainMonitor.Spectral;
using TrainMonitor.Torch;
using static TorchSharp.torch;

namespace TrainMonitor.Benchmarks;

/// <summary>
/// Cost of one operator product <c>M v</c>, of the exact Gram matrix and of whole probes against one training step on
/// the same model and batch; where the time of a product goes (VJP and JVP halves); and the accuracy of the
/// double-backward product against an explicitly built Jacobian.
/// </summary>
internal static class OperatorSuite
{
    public static int Run(string[] args)
    {
        var pairs = Arguments.Int(args, "--pairs", 21);
        var probePairs = Arguments.Int(args, "--probe-pairs", 5);
        var batch = Arguments.Int(args, "--batch", 512);
        Console.WriteLine($"operator: MLP 784-1024-1024-10, batch {batch}, float32, cross-entropy, {torch.get_num_threads()} threads");

        var widths = new[] { 784, 1024, 1024, 10 };
        using var trained = BenchmarkModels.Mlp(widths, seed: 1, ScalarType.Float32);
        // The probe works on its own instance: a training step writes parameters in place, which would
        // invalidate the operator's retained graph.
        using var probed = BenchmarkModels.CopyOf(trained, () => BenchmarkModels.Mlp(widths, 1, ScalarType.Float32));
        var generator = new Generator(7);
        using var x = randn(new long[] { batch, 784 }, generator: generator);
        using var y = randint(0, 10, new long[] { batch }, generator: generator);
        using var optimizer = optim.SGD(trained.parameters(), 0.01);
        using var op = AutogradErrorOperator.ForModel(probed, x, y, ErrorFunctions.CrossEntropy);
        using var v = randn(new long[] { batch }, dtype: ScalarType.Float64, generator: generator);

        void TrainingStep()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(trained.call(x), y);
            loss.backward();
            optimizer.step();
        }

        void Product()
        {
            using var scope = NewDisposeScope();
            op.Apply(v);
        }

        if (args.Contains("--threads"))
        {
            CompareThreads(probed, x, y, pairs);
            return 0;
        }

        var timing = PairedTiming.Measure(Product, TrainingStep, warmup: 3, pairs);
        Console.WriteLine("  " + timing.Describe("M v", "training step"));

        var profile = ProductProfile.Measure(probed, x, y, TrainingStep, pairs);
        Console.WriteLine("  profile of one M v (each half timed against a training step, alternated):");
        foreach (var line in profile.Lines)
        {
            Console.WriteLine("    " + line);
        }

        // The exact Gram path: M from one forward and one backward to the layer outputs, then eigh.
        void GramMatrix()
        {
            using var scope = NewDisposeScope();
            using var gram = GramErrorOperator.ForModel(probed, x, y, ErrorFunctions.CrossEntropy);
        }

        void GramSpectrum()
        {
            using var scope = NewDisposeScope();
            using var gram = GramErrorOperator.ForModel(probed, x, y, ErrorFunctions.CrossEntropy);
            ExactSpectralMeasure.Of(gram);
        }

        var gramMatrix = PairedTiming.Measure(GramMatrix, TrainingStep, warmup: 2, pairs);
        Console.WriteLine("  " + gramMatrix.Describe("Gram M", "training step"));
        // The completeness check (one backward pass to the parameters, per-layer quadratic forms) against the same
        // Gram M without it, alternated; and how much of its tolerance an intact float32 model uses (≪ 1 is the margin).
        void GramMatrixUnverified()
        {
            using var scope = NewDisposeScope();
            using var gram = GramErrorOperator.ForModel(probed, x, y, ErrorFunctions.CrossEntropy, GramErrorOperator.DefaultMaxSize,
                verifyCompleteness: false, onLayerVerified: null);
        }

        var check = PairedTiming.Measure(GramMatrix, GramMatrixUnverified, warmup: 2, pairs);
        Console.WriteLine("  " + check.Describe("Gram M with the completeness check", "Gram M without it"));
        var toleranceUsed = 0.0;
        using (NewDisposeScope())
        using (GramErrorOperator.ForModel(probed, x, y, ErrorFunctions.CrossEntropy, GramErrorOperator.DefaultMaxSize, verifyCompleteness: true,
            onLayerVerified: (layer, used) =>
            {
                Console.WriteLine(FormattableString.Invariant($"    completeness check, layer {layer}: |rᵀG r − ‖Jᵀr‖²| = {used:E2} of the tolerance"));
                toleranceUsed = Math.Max(toleranceUsed, used);
            }))
        {
        }

        var gramSpectrum = PairedTiming.Measure(GramSpectrum, TrainingStep, warmup: 2, pairs);
        Console.WriteLine("  " + gramSpectrum.Describe("Gram M + exact measure (eigh, Jacobi reconstruction)", "training step"));

        // Whole probes on the same batch, no kernel sketch on either side: m = 64 Lanczos steps against the Gram path.
        var batches = new[] { new ProbeBatch(x, y) };
        var lanczosOptions = new SpectralProbeOptions { Method = ProbeMethod.Lanczos, LanczosSteps = 64, SketchVectors = 0 };
        var gramOptions = new SpectralProbeOptions { Method = ProbeMethod.Gram, SketchVectors = 0 };
        var lanczosProbe = SpectralProbe.Run(probed, batches, ErrorFunctions.CrossEntropy, lanczosOptions);
        var gramProbe = SpectralProbe.Run(probed, batches, ErrorFunctions.CrossEntropy, gramOptions);
        var probes = PairedTiming.Measure(
            () => SpectralProbe.Run(probed, batches, ErrorFunctions.CrossEntropy, lanczosOptions),
            () => SpectralProbe.Run(probed, batches, ErrorFunctions.CrossEntropy, gramOptions),
            warmup: 0, probePairs);
        Console.WriteLine("  " + probes.Describe("Lanczos probe (m = 64)", "Gram probe"));
        Console.WriteLine(FormattableString.Invariant(
            $"  λ_max: Gram {gramProbe.LambdaMax:G6}, Lanczos {lanczosProbe.LambdaMax:G6}; energy: Gram {gramProbe.ErrorEnergy:G8}, Lanczos {lanczosProbe.ErrorEnergy:G8}"));

        var jvpError = DoubleBackwardAgainstExplicitJacobian();
        Console.WriteLine($"  double-backward M v against explicit-Jacobian M v (float64 MLP 20-32-32-5, n = 48): relative error {jvpError:E2}");
        var gramError = GramAgainstExplicitJacobian();
        Console.WriteLine($"  Gram M against explicit-Jacobian M (same float64 MLP): relative Frobenius error {gramError:E2}");

        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"RESULT mv_over_step={timing.MedianRatio:F3} mv_over_step_min={timing.MinRatio:F3} mv_over_step_max={timing.MaxRatio:F3} " +
            // The gram_over_step is the time to the exact M; the time to the exact spectrum (M, eigh, Jacobi
            // reconstruction) is reported next to it.
            $"gram_over_step={gramMatrix.MedianRatio:F3} gram_over_step_min={gramMatrix.MinRatio:F3} gram_over_step_max={gramMatrix.MaxRatio:F3} " +
            $"gram_spectrum_over_step={gramSpectrum.MedianRatio:F3} gram_spectrum_over_step_min={gramSpectrum.MinRatio:F3} gram_spectrum_over_step_max={gramSpectrum.MaxRatio:F3} " +
            $"gram_vs_lanczos_speedup={probes.MedianRatio:F2} gram_vs_lanczos_speedup_min={probes.MinRatio:F2} gram_vs_lanczos_speedup_max={probes.MaxRatio:F2} " +
            $"jvp_rel_err={jvpError:E2} gram_rel_err={gramError:E2} " +
            $"gram_check_over_gram={check.MedianRatio:F3} gram_check_over_gram_min={check.MinRatio:F3} gram_check_over_gram_max={check.MaxRatio:F3} " +
            $"gram_check_tolerance_used={toleranceUsed:E2}"));
        return 0;
    }

    /// <summary>
    /// Largest relative error of the matrix-free product over a few vectors against <c>J (Jᵀ v) / n</c> with J
    /// built row by row from reverse-mode products only: the JVP of the operator is the double backward, so
    /// this measures it against an independent route.
    /// </summary>
    private static double DoubleBackwardAgainstExplicitJacobian()
    {
        using var scope = NewDisposeScope();
        var (model, x, y) = SmallFloat64Mlp();
        using var op = AutogradErrorOperator.ForModel(model, x, y, ErrorFunctions.CrossEntropy);
        var parameters = model.parameters().Cast<Tensor>().ToArray();
        Tensor ComputeErrors() => ErrorFunctions.CrossEntropy.Compute(model.call(x), y);
        var jacobian = ExplicitJacobian.Compute(parameters, ComputeErrors);
        var generator = new Generator(12);
        var worst = 0.0;
        for (var i = 0; i < 5; i++)
        {
            var v = randn(new long[] { 48 }, dtype: ScalarType.Float64, generator: generator);
            var reference = jacobian.mv(jacobian.t().mv(v)) / 48.0;
            var error = (op.Apply(v) - reference).norm().item<double>() / reference.norm().item<double>();
            worst = Math.Max(worst, error);
        }

        return worst;
    }

    private static double GramAgainstExplicitJacobian()
    {
        using var scope = NewDisposeScope();
        var (model, x, y) = SmallFloat64Mlp();
        using var gram = GramErrorOperator.ForModel(model, x, y, ErrorFunctions.CrossEntropy);
        using var exact = ExactErrorOperator.ForModel(model, x, y, ErrorFunctions.CrossEntropy);
        return (gram.Matrix - exact.Matrix).norm().item<double>() / exact.Matrix.norm().item<double>();
    }

    private static (nn.Module<Tensor, Tensor> Model, Tensor X, Tensor Y) SmallFloat64Mlp()
    {
        var model = BenchmarkModels.Mlp(new[] { 20, 32, 32, 5 }, seed: 3, ScalarType.Float64);
        var generator = new Generator(11);
        var x = randn(new long[] { 48, 20 }, dtype: ScalarType.Float64, generator: generator);
        var y = randint(0, 5, new long[] { 48 }, generator: generator);
        return (model, x, y);
    }

    /// <summary>
    /// Why the exact path's work is split between threads as it is: the Gram matrix and <c>eigh</c> of the same batch,
    /// each on the caller's threads against on the one-thread worker (<see cref="TorchWorker.SingleThreaded"/>), alternated.
    /// </summary>
    private static void CompareThreads(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y, int pairs)
    {
        void GramHere()
        {
            using var scope = NewDisposeScope();
            using var gram = GramErrorOperator.ForModel(model, x, y, ErrorFunctions.CrossEntropy);
        }

        void GramOnWorker() => TorchWorker.SingleThreaded.Invoke(() =>
        {
            using (enable_grad())
            {
                GramHere();
            }

            return true;
        }, "Gram matrix");

        var gram = PairedTiming.Measure(GramOnWorker, GramHere, warmup: 2, pairs);
        Console.WriteLine("  " + gram.Describe("Gram M on the one-thread worker", $"on the caller's {get_num_threads()} threads"));

        using var matrix = GramErrorOperator.ForModel(model, x, y, ErrorFunctions.CrossEntropy);
        void EighHere()
        {
            using var scope = NewDisposeScope();
            linalg.eigh(matrix.Matrix);
        }

        void EighOnWorker() => TorchWorker.SingleThreaded.Invoke(() =>
        {
            EighHere();
            return true;
        }, "eigh");

        var eigh = PairedTiming.Measure(EighOnWorker, EighHere, warmup: 2, pairs);
        Console.WriteLine("  " + eigh.Describe($"eigh {matrix.Size}×{matrix.Size} on the one-thread worker", $"on the caller's {get_num_threads()} threads"));
        Console.WriteLine(FormattableString.Invariant(
            $"RESULT gram_worker_over_caller={gram.MedianRatio:F3} eigh_worker_over_caller={eigh.MedianRatio:F3}"));
    }
}
