using System.Diagnostics;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Monitoring;
using TrainMonitor.Probing;
using static TorchSharp.torch;

namespace TrainMonitor.Benchmarks;

/// <summary>
/// What leaving the monitor on costs: the QuickStart model and training loop (MLP 48-256-256-1, GELU, batch 128,
/// SGD with momentum 0.9, squared error, probe set of 512 examples in 2 batches) run for a few thousand steps
/// without and with the monitor at the library's default schedule and probe options, alternated in one process;
/// the overhead is the median over pairs of <c>t_monitored / t_baseline − 1</c>.
/// </summary>
internal static class OverheadSuite
{
    public static int Run(string[] args)
    {
        var steps = Arguments.Int(args, "--steps", 4000);
        var pairs = Arguments.Int(args, "--pairs", 5);
        var modes = args.Contains("--background") ? new[] { ExecutionMode.Background }
            : args.Contains("--both") ? new[] { ExecutionMode.Inline, ExecutionMode.Background }
            : new[] { ExecutionMode.Inline };
        Console.WriteLine($"overhead: QuickStart MLP 48-256-256-1, batch 128, {steps} steps, default MonitorOptions, {torch.get_num_threads()} threads, {pairs} pairs");

        var (trainX, trainY, probeX, probeY) = Data();
        using var probeSet = ProbeSet.FromTensors(probeX, probeY, batchSize: 256);
        if (args.Contains("--thread-effect"))
        {
            ThreadEffect(trainX, trainY, probeSet);
            return 0;
        }

        using (var check = CreateModel())
        {
            // What one default probe costs here: the first (with the separability check) and the next ones.
            var durations = new List<double>();
            SpectralProbeResult? probe = null;
            for (var i = 0; i < 11; i++)
            {
                probe = SpectralProbe.Run(check, probeSet.Batches, ErrorFunctions.SquaredError, new MonitorOptions().Probe);
                durations.Add(probe.Duration.TotalMilliseconds);
            }

            Console.WriteLine(FormattableString.Invariant(
                $"  default probe: methods {string.Join(",", probe!.Methods)}, {probe.OperatorApplications} operator products; first {durations[0]:F1} ms, then median {PairedTiming.Median(durations.Skip(1).ToArray()):F1} ms"));
            if (args.Contains("--profile-probe"))
            {
                ProfileProbe(check, probeSet);
                return 0;
            }
        }

        double defaultRatio = double.NaN;
        long defaultProbes = 0;
        foreach (var mode in modes)
        {
            // One unmeasured run of each to warm up the JIT, libtorch's allocator and thread pool.
            Train(steps: 200, trainX, trainY, probeSet, mode: null);
            Train(steps: 200, trainX, trainY, probeSet, mode);

            var ratios = new List<double>();
            var probes = new List<long>();
            var skipped = new List<long>();
            var monitorReported = new List<double>();
            for (var i = 0; i < pairs; i++)
            {
                RunResult baseline, monitored;
                if (i % 2 == 0)
                {
                    baseline = Train(steps, trainX, trainY, probeSet, mode: null);
                    monitored = Train(steps, trainX, trainY, probeSet, mode);
                }
                else
                {
                    monitored = Train(steps, trainX, trainY, probeSet, mode);
                    baseline = Train(steps, trainX, trainY, probeSet, mode: null);
                }

                ratios.Add((monitored.Seconds / baseline.Seconds) - 1);
                probes.Add(monitored.Probes);
                skipped.Add(monitored.Skipped);
                monitorReported.Add(monitored.ReportedOverhead);
                Console.WriteLine(FormattableString.Invariant(
                    $"  {mode} pair {i + 1}: baseline {baseline.Seconds:F2} s, monitored {monitored.Seconds:F2} s, overhead {ratios[^1]:P2}, probes {monitored.Probes} (skipped {monitored.Skipped}), monitor's own overhead_ratio {monitored.ReportedOverhead:F4}"));
            }

            var median = PairedTiming.Median(ratios);
            Console.WriteLine(FormattableString.Invariant(
                $"  {mode}: overhead median {median:F4} (min {ratios.Min():F4}, max {ratios.Max():F4}); probes {probes.Min()}–{probes.Max()}"));
            if (mode == ExecutionMode.Inline || modes.Length == 1)
            {
                defaultRatio = median;
                defaultProbes = probes.Min();
            }
        }

        Console.WriteLine(FormattableString.Invariant($"RESULT overhead_ratio={defaultRatio:F4} probes={defaultProbes}"));
        return 0;
    }

    /// <summary>Training-step time before and after one default probe, to see whether a probe slows later steps.</summary>
    private static void ThreadEffect(Tensor trainX, Tensor trainY, ProbeSet probeSet)
    {
        manual_seed(7);
        using var model = CreateModel();
        using var optimizer = optim.SGD(model.parameters(), 0.05, momentum: 0.9);
        using var generator = new Generator(13);
        double Steps(int count)
        {
            var sw = Stopwatch.StartNew();
            for (var step = 0; step < count; step++)
            {
                using var scope = NewDisposeScope();
                var index = randint(0, trainX.shape[0], new long[] { 128 }, generator: generator);
                optimizer.zero_grad();
                var loss = nn.functional.mse_loss(model.call(trainX.index_select(0, index)), trainY.index_select(0, index));
                loss.backward();
                optimizer.step();
                loss.item<float>();
            }

            return sw.Elapsed.TotalMilliseconds / count;
        }

        Console.WriteLine(FormattableString.Invariant($"  before any probe: {Steps(300):F2} ms/step, {Steps(300):F2} ms/step"));
        var lanczos = SpectralProbe.Run(model, probeSet.Batches, ErrorFunctions.SquaredError, new SpectralProbeOptions { Method = ProbeMethod.Lanczos });
        Console.WriteLine(FormattableString.Invariant($"  after a Lanczos probe ({lanczos.Duration.TotalMilliseconds:F0} ms): {Steps(300):F2} ms/step, {Steps(300):F2} ms/step"));
        var gram = SpectralProbe.Run(model, probeSet.Batches, ErrorFunctions.SquaredError, new SpectralProbeOptions());
        Console.WriteLine(FormattableString.Invariant($"  after a Gram probe ({gram.Duration.TotalMilliseconds:F0} ms): {Steps(300):F2} ms/step, {Steps(300):F2} ms/step"));
        Console.WriteLine($"  threads now {get_num_threads()}");
    }

    /// <summary>Times the stages of a default Gram probe on one batch, 20 repetitions each, medians.</summary>
    private static void ProfileProbe(nn.Module<Tensor, Tensor> model, ProbeSet probeSet)
    {
        var batch = probeSet.Batches[0];
        double Time(Action action)
        {
            var samples = new List<double>();
            for (var i = 0; i < 20; i++)
            {
                var sw = Stopwatch.StartNew();
                action();
                samples.Add(sw.Elapsed.TotalMilliseconds);
            }

            return PairedTiming.Median(samples);
        }

        using var guard = new ProbeGuard(model);
        var forward = Time(() => { using var s = NewDisposeScope(); ErrorFunctions.SquaredError.Compute(model.call(batch.Input), batch.Target); });
        var gram = Time(() => { using var s = NewDisposeScope(); using var op = TrainMonitor.Operators.GramErrorOperator.ForModel(model, batch.Input, batch.Target, ErrorFunctions.SquaredError); });
        using var op = TrainMonitor.Operators.GramErrorOperator.ForModel(model, batch.Input, batch.Target, ErrorFunctions.SquaredError);
        var eigh = Time(() => { using var s = NewDisposeScope(); linalg.eigh(op.Matrix); });
        var measure = Time(() => { using var s = NewDisposeScope(); TrainMonitor.Spectral.ExactSpectralMeasure.Of(op); });
        var jacobi = TrainMonitor.Spectral.ExactSpectralMeasure.Of(op);
        var plan = Time(() => TrainMonitor.Operators.GramPlan.TryCreate(model, out _));
        var reconstruct = Time(() => TrainMonitor.Spectral.JacobiMatrix.FromDiscreteMeasure(jacobi.GaussRule().Nodes, jacobi.GaussRule().Weights));
        var whole = Time(() => SpectralProbe.Run(model, probeSet.Batches, ErrorFunctions.SquaredError, new MonitorOptions().Probe));
        var wholeNoSketch = Time(() => SpectralProbe.Run(model, probeSet.Batches, ErrorFunctions.SquaredError, new SpectralProbeOptions { SketchVectors = 0 }));
        Console.WriteLine(FormattableString.Invariant($"  plan {plan:F2} ms, RKPW {reconstruct:F2} ms, whole probe {whole:F1} ms, without sketch {wholeNoSketch:F1} ms"));
        var sketch = Time(() => { using var s = NewDisposeScope(); TrainMonitor.Kernel.KernelSketch.CaptureBatch(op, 0, 8, 1, default); });
        var profile = Time(() => TrainMonitor.Spectral.ShellProfile.Compute(new TrainMonitor.Spectral.SpectralMeasure(jacobi), new TrainMonitor.Spectral.ShellGrid(2), TrainMonitor.Spectral.NullFloor.Relative(1e-10)));
        Console.WriteLine(FormattableString.Invariant(
            $"  per batch of 256 (medians of 20): forward {forward:F2} ms, Gram M {gram:F2} ms, eigh {eigh:F2} ms, exact measure (eigh + RKPW) {measure:F2} ms, sketch {sketch:F2} ms, shell profile + bounds {profile:F2} ms"));
    }

    private sealed record RunResult(double Seconds, long Probes, long Skipped, double ReportedOverhead);

    private static nn.Module<Tensor, Tensor> CreateModel() => nn.Sequential(
        ("fc1", nn.Linear(48, 256)), ("act1", nn.GELU()),
        ("fc2", nn.Linear(256, 256)), ("act2", nn.GELU()),
        ("out", nn.Linear(256, 1)));

    private static RunResult Train(int steps, Tensor trainX, Tensor trainY, ProbeSet probeSet, ExecutionMode? mode)
    {
        manual_seed(7);
        using var model = CreateModel();
        using var optimizer = optim.SGD(model.parameters(), 0.05, momentum: 0.9);
        using var generator = new Generator(13);
        var options = new MonitorOptions();
        if (mode is { } m)
        {
            options.Mode = m;
        }

        var stopwatch = Stopwatch.StartNew();
        var monitor = mode is null ? null : TrainingMonitor.Attach(model, probeSet, ErrorFunctions.SquaredError, options, modelFactory: CreateModel);
        for (var step = 1; step <= steps; step++)
        {
            using var scope = NewDisposeScope();
            var index = randint(0, trainX.shape[0], new long[] { 128 }, generator: generator);
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.call(trainX.index_select(0, index)), trainY.index_select(0, index));
            loss.backward();
            optimizer.step();
            // Read the loss in both runs (a training loop reports it anyway), so the baseline does the same work.
            var lossValue = loss.item<float>();
            monitor?.OnStep(step, 0.05, lossValue);
        }

        MonitorStatus? status = null;
        if (monitor is not null)
        {
            monitor.FlushAsync().GetAwaiter().GetResult();
            status = monitor.Status;
            monitor.Dispose();
        }

        var seconds = stopwatch.Elapsed.TotalSeconds;
        return new RunResult(seconds, status?.ProbesTotal ?? 0, status?.ProbesSkippedTotal ?? 0, status?.OverheadRatio ?? double.NaN);
    }

    /// <summary>The QuickStart task: inputs with covariance k^(−1.5), a teacher with energy k^(−2) plus a tanh term.</summary>
    private static (Tensor TrainX, Tensor TrainY, Tensor ProbeX, Tensor ProbeY) Data()
    {
        using var generator = new Generator(11);
        const int dimension = 48;
        var k = arange(1, dimension + 1, dtype: ScalarType.Float32);
        var scales = k.pow(-0.75);
        var signs = (randint(0, 2, new long[] { dimension }, generator: generator).to_type(ScalarType.Float32) * 2) - 1;
        var teacher = signs * k.pow((1.5 - 2.0) / 2);
        (Tensor, Tensor) Sample(int count)
        {
            var x = randn(new long[] { count, dimension }, generator: generator) * scales;
            var linear = x.mv(teacher);
            return (x, (linear + (0.5f * tanh(2 * linear))).unsqueeze(1));
        }

        var (probeX, probeY) = Sample(512);
        var (trainX, trainY) = Sample(4096);
        return (trainX, trainY, probeX, probeY);
    }
}
