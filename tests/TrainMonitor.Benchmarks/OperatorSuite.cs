using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Benchmarks;

/// <summary>
/// Cost of one operator product <c>M v</c> against one training step on the same model and batch, and the
/// accuracy of the double-backward product against an explicitly built Jacobian.
/// </summary>
internal static class OperatorSuite
{
    public static int Run(string[] args)
    {
        var pairs = Arguments.Int(args, "--pairs", 21);
        var batch = Arguments.Int(args, "--batch", 512);
        Console.WriteLine($"operator: MLP 784-1024-1024-10, batch {batch}, float32, {torch.get_num_threads()} threads");

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

        var timing = PairedTiming.Measure(Product, TrainingStep, warmup: 3, pairs);
        Console.WriteLine("  " + timing.Describe("M v", "training step"));

        var jvpError = DoubleBackwardAgainstExplicitJacobian();
        Console.WriteLine($"  double-backward M v against explicit-Jacobian M v (float64 MLP 20-32-32-5, n = 48): relative error {jvpError:E2}");

        Console.WriteLine(FormattableString.Invariant(
            $"RESULT mv_over_step={timing.MedianRatio:F3} mv_over_step_min={timing.MinRatio:F3} mv_over_step_max={timing.MaxRatio:F3} jvp_rel_err={jvpError:E2}"));
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
        var model = BenchmarkModels.Mlp(new[] { 20, 32, 32, 5 }, seed: 3, ScalarType.Float64);
        var generator = new Generator(11);
        var x = randn(new long[] { 48, 20 }, dtype: ScalarType.Float64, generator: generator);
        var y = randint(0, 5, new long[] { 48 }, generator: generator);
        using var op = AutogradErrorOperator.ForModel(model, x, y, ErrorFunctions.CrossEntropy);
        var parameters = model.parameters().Cast<Tensor>().ToArray();
        Tensor ComputeErrors() => ErrorFunctions.CrossEntropy.Compute(model.call(x), y);
        var jacobian = ExplicitJacobian.Compute(parameters, ComputeErrors);
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
}
