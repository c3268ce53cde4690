using System.Diagnostics;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Frontier;
using TrainMonitor.Kernel;
using TrainMonitor.Operators;
using TrainMonitor.Operators.Gram;
using TrainMonitor.Probing;
using TrainMonitor.Session;
using TrainMonitor.Shells;
using TrainMonitor.Spectral;
using TrainMonitor.Torch;
using static TorchSharp.torch;

namespace TrainMonitor.Benchmarks;

/// <summary>
/// What leaving the monitor on costs: the QuickStart model and training loop (MLP 48-256-256-1, GELU, batch 128,
/// SGD with momentum 0.9, squared error, probe set of 512 examples in 2 batches) run for a few thousand steps
/// without and with the monitor at the library's default schedule and probe options, interleaved in lockstep blocks
/// in one process; the overhead is the median over repetitions of <c>t_monitored / t_baseline − 1</c>, next to an
/// A/A control that gives the noise floor.
/// </summary>
internal static class OverheadSuite
{
    // --max-examples and --probe-threads: another probe-set cap or background worker thread count than the defaults.
    private static int ProbeExamples = MonitorOptions.DefaultMaxProbeExamples;
    private static int BackgroundProbeThreads;

    public static int Run(string[] args)
    {
        ProbeExamples = Array.IndexOf(args, "--max-examples") >= 0 ? Arguments.Int(args, "--max-examples", 1) : MonitorOptions.DefaultMaxProbeExamples;
        BackgroundProbeThreads = Array.IndexOf(args, "--probe-threads") >= 0 ? Arguments.Int(args, "--probe-threads", 1) : 0;
        var steps = Arguments.Int(args, "--steps", 4000);
        var pairs = Arguments.Int(args, "--pairs", 5);
        var modes = args.Contains("--background") ? new[] { ExecutionMode.Background }
            : args.Contains("--both") ? new[] { ExecutionMode.Inline, ExecutionMode.Background }
            : new[] { ExecutionMode.Inline };
        Console.WriteLine($"overhead: QuickStart MLP 48-256-256-1, batch 128, {steps} steps, default MonitorOptions, {torch.get_num_threads()} threads, {pairs} runs in lockstep blocks of {Arguments.Int(args, "--block", 256)} steps");

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

        var block = Arguments.Int(args, "--block", 256);
        // The A/A control: the same lockstep with no monitor on either side. Its |difference| is what noise alone gives.
        Lockstep(steps: 1024, block, trainX, trainY, probeSet, mode: null);
        var control = Lockstep(steps, block, trainX, trainY, probeSet, mode: null);
        Console.WriteLine(FormattableString.Invariant(
            $"  A/A control (no monitor on either side): {control.BaselineSeconds:F2} s against {control.MonitoredSeconds:F2} s, difference {control.Ratio:P2}"));
        double defaultRatio = double.NaN, defaultInside = double.NaN;
        long defaultProbes = 0;
        foreach (var mode in modes)
        {
            // One unmeasured run to warm up the JIT, libtorch's allocator and thread pool.
            Lockstep(steps: 1024, block, trainX, trainY, probeSet, mode);

            var ratios = new List<double>();
            var inside = new List<double>();
            var probes = new List<long>();
            for (var i = 0; i < pairs; i++)
            {
                var run = Lockstep(steps, block, trainX, trainY, probeSet, mode);
                ratios.Add(run.Ratio);
                inside.Add(run.OnStepSeconds / run.BaselineSeconds);
                probes.Add(run.Probes);
                Console.WriteLine(FormattableString.Invariant(
                    $"  {mode} run {i + 1}: baseline {run.BaselineSeconds:F2} s, monitored {run.MonitoredSeconds:F2} s, overhead {run.Ratio:P2}; probes {run.Probes} at steps {string.Join(",", run.ProbeSteps)} taking {string.Join(",", run.ProbeMilliseconds.Select(ms => ms.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))} ms (skipped {run.Skipped}), probe time {run.ProbeSeconds:F3} s, OnStep time {run.OnStepSeconds:F3} s ({run.OnStepSeconds / run.BaselineSeconds:P2} of baseline), monitor's own overhead_ratio {run.ReportedOverhead:F4}"));
            }

            var median = PairedTiming.Median(ratios);
            Console.WriteLine(FormattableString.Invariant(
                $"  {mode}: overhead median {median:F4} (min {ratios.Min():F4}, max {ratios.Max():F4}) over {pairs} runs; time inside OnStep over baseline median {PairedTiming.Median(inside):F4}; probes {probes.Min()}–{probes.Max()}"));
            if (mode == ExecutionMode.Inline || modes.Length == 1)
            {
                defaultRatio = median;
                defaultInside = PairedTiming.Median(inside);
                defaultProbes = probes.Min();
            }
        }

        Console.WriteLine(FormattableString.Invariant(
            $"RESULT overhead_ratio={defaultRatio:F4} probes={defaultProbes} onstep_ratio={defaultInside:F4} noise_floor={Math.Abs(control.Ratio):F4} steps={steps}"));
        return 0;
    }

    private sealed record LockstepResult(double BaselineSeconds, double MonitoredSeconds, long Probes, long[] ProbeSteps, double[] ProbeMilliseconds, long Skipped,
        double ProbeSeconds, double OnStepSeconds, double ReportedOverhead)
    {
        public double Ratio => (MonitoredSeconds / BaselineSeconds) - 1;
    }

    /// <summary>
    /// Runs the same training twice in one process, without and with the monitor, advancing both in lockstep blocks
    /// of <paramref name="block"/> steps (which run goes first alternates per block). A drift of the machine's speed
    /// then hits both runs alike: whole runs alternated one after the other differed by up to 13 % with no monitor
    /// effect in between. In background mode the monitor is drained, untimed, before the baseline's block, so that a
    /// probe still running cannot slow the baseline; the monitored steps that overlapped it carry its cost. The monitor's
    /// training clock skips the baseline's blocks, so its overhead budget sees the same training time as in a run alone.
    /// </summary>
    /// <param name="mode">The monitor's mode, or null for the A/A control: two unmonitored runs, whose difference is the noise floor.</param>
    private static LockstepResult Lockstep(int steps, int block, Tensor trainX, Tensor trainY, ProbeSet probeSet, ExecutionMode? mode)
    {
        using var baseline = new TrainingLoop(trainX, trainY);
        using var monitored = new TrainingLoop(trainX, trainY);
        if (mode is { } m)
        {
            var options = new MonitorOptions { Mode = m, MaxProbeExamples = ProbeExamples, BackgroundProbeThreads = BackgroundProbeThreads };
            monitored.Monitor = TrainingMonitor.Attach(monitored.Model, probeSet, ErrorFunctions.SquaredError, options, modelFactory: CreateModel);
            monitored.Background = m == ExecutionMode.Background;
        }

        double baselineSeconds = 0, monitoredSeconds = 0;
        for (int from = 1, k = 0; from <= steps; from += block, k++)
        {
            var count = Math.Min(block, steps - from + 1);
            if (k % 2 == 0)
            {
                baselineSeconds += baseline.Run(from, count);
                monitoredSeconds += monitored.Run(from, count);
            }
            else
            {
                monitoredSeconds += monitored.Run(from, count);
                monitored.Drain();
                baselineSeconds += baseline.Run(from, count);
            }

            monitored.Drain();
        }

        if (monitored.Monitor is not { } monitor)
        {
            return new LockstepResult(baselineSeconds, monitoredSeconds, 0, [], [], 0, 0, 0, 0);
        }

        monitor.FlushAsync().GetAwaiter().GetResult();
        var status = monitor.Status;
        var history = monitor.History;
        return new LockstepResult(baselineSeconds, monitoredSeconds, status.ProbesTotal, history.Select(h => h.Step).ToArray(),
            history.Select(h => h.ProbeDurationSeconds * 1000).ToArray(),
            status.ProbesSkippedTotal, history.Sum(h => h.ProbeDurationSeconds), monitored.OnStepSeconds, status.OverheadRatio);
    }

    /// <summary>The QuickStart training loop on its own model, optimiser and sampling generator (same seeds for every instance).</summary>
    internal sealed class TrainingLoop : IDisposable
    {
        private readonly Tensor _x;
        private readonly Tensor _y;
        private readonly optim.Optimizer _optimizer;
        private readonly Generator _generator = new(13);

        public TrainingLoop(Tensor x, Tensor y)
        {
            _x = x;
            _y = y;
            manual_seed(7);
            Model = CreateModel();
            _optimizer = optim.SGD(Model.parameters(), 0.05, momentum: 0.9);
        }

        public nn.Module<Tensor, Tensor> Model { get; }

        public TrainingMonitor? Monitor { get; set; }

        public bool Background { get; set; }

        /// <summary>Wall time spent inside the monitor's OnStep (the probes themselves in inline mode).</summary>
        public double OnStepSeconds { get; private set; }

        /// <summary>Runs steps <paramref name="from"/> … from + count − 1 and returns their wall time in seconds.</summary>
        public double Run(int from, int count)
        {
            // The monitor's training clock (which its overhead budget reads) must not count the other run's blocks.
            Monitor?.ExcludeTimeSinceLastStep();
            var stopwatch = Stopwatch.StartNew();
            for (var step = from; step < from + count; step++)
            {
                using var scope = NewDisposeScope();
                var index = randint(0, _x.shape[0], new long[] { 128 }, generator: _generator);
                _optimizer.zero_grad();
                var loss = nn.functional.mse_loss(Model.call(_x.index_select(0, index)), _y.index_select(0, index));
                loss.backward();
                _optimizer.step();
                // Read the loss in both runs (a training loop reports it anyway), so the baseline does the same work.
                var lossValue = loss.item<float>();
                if (Monitor is not null)
                {
                    var before = Stopwatch.GetTimestamp();
                    Monitor.OnStep(step, 0.05, lossValue);
                    OnStepSeconds += Stopwatch.GetElapsedTime(before).TotalSeconds;
                }
            }

            return stopwatch.Elapsed.TotalSeconds;
        }

        /// <summary>Waits, untimed, for a background probe still running (nothing to wait for inline).</summary>
        public void Drain()
        {
            if (Background)
            {
                Monitor?.FlushAsync().GetAwaiter().GetResult();
            }
        }

        public void Dispose()
        {
            Monitor?.Dispose();
            _optimizer.Dispose();
            _generator.Dispose();
            Model.Dispose();
        }
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
        var gram = Time(() => { using var s = NewDisposeScope(); using var op = TrainMonitor.Operators.Gram.GramErrorOperator.ForModel(model, batch.Input, batch.Target, ErrorFunctions.SquaredError); });
        using var op = TrainMonitor.Operators.Gram.GramErrorOperator.ForModel(model, batch.Input, batch.Target, ErrorFunctions.SquaredError);
        var eigh = Time(() => { using var s = NewDisposeScope(); linalg.eigh(op.Matrix); });
        var measure = Time(() => { using var s = NewDisposeScope(); TrainMonitor.Spectral.ExactSpectralMeasure.Of(op); });
        var jacobi = TrainMonitor.Spectral.ExactSpectralMeasure.Of(op);
        var plan = Time(() => TrainMonitor.Operators.Gram.GramPlan.TryCreate(model, out _));
        var reconstruct = Time(() => TrainMonitor.Spectral.JacobiMatrix.FromDiscreteMeasure(jacobi.GaussRule().Nodes, jacobi.GaussRule().Weights));
        var whole = Time(() => SpectralProbe.Run(model, probeSet.Batches, ErrorFunctions.SquaredError, new MonitorOptions().Probe));
        var wholeNoSketch = Time(() => SpectralProbe.Run(model, probeSet.Batches, ErrorFunctions.SquaredError, new SpectralProbeOptions { SketchVectors = 0 }));
        Console.WriteLine(FormattableString.Invariant($"  plan {plan:F2} ms, RKPW {reconstruct:F2} ms, whole probe {whole:F1} ms, without sketch {wholeNoSketch:F1} ms"));
        var sketch = Time(() => { using var s = NewDisposeScope(); TrainMonitor.Kernel.KernelSketch.CaptureBatch(op, 0, 8, 1, default); });
        var profile = Time(() => TrainMonitor.Shells.ShellProfile.Compute(new TrainMonitor.Spectral.SpectralMeasure(jacobi), new TrainMonitor.Shells.ShellGrid(2), TrainMonitor.Shells.NullFloor.Relative(1e-10)));
        Console.WriteLine(FormattableString.Invariant(
            $"  per batch of 256 (medians of 20): forward {forward:F2} ms, Gram M {gram:F2} ms, eigh {eigh:F2} ms, exact measure (eigh + RKPW) {measure:F2} ms, sketch {sketch:F2} ms, shell profile + bounds {profile:F2} ms"));

        // The stages that run once per probe, on the two-batch measure.
        var averaging = Time(() => new TrainMonitor.Spectral.SpectralMeasure([jacobi, jacobi]));
        var both = new TrainMonitor.Spectral.SpectralMeasure([jacobi, jacobi]);
        var profileBoth = Time(() => TrainMonitor.Shells.ShellProfile.Compute(both, new TrainMonitor.Shells.ShellGrid(2), TrainMonitor.Shells.NullFloor.Relative(1e-10)));
        var shellProfile = TrainMonitor.Shells.ShellProfile.Compute(both, new TrainMonitor.Shells.ShellGrid(2), TrainMonitor.Shells.NullFloor.Relative(1e-10));
        var fit = Time(() => SpectralProbe.FitFrontier(shellProfile, new SpectralProbeOptions().Frontier));
        var quantileExact = Time(() => TrainMonitor.Frontier.QuantileFrontier.Compute(both, shellProfile.NullEnergy.Floor, 0.5));

        // The quantile frontier's certified interval costs Radau decompositions only on the Lanczos path: measured on a
        // two-batch m = 64 measure of the same model, beside the Lanczos run that produced it.
        TrainMonitor.Spectral.JacobiMatrix lanczosJacobi = null!;
        var lanczos = Time(() =>
        {
            using var s = NewDisposeScope();
            using var autograd = TrainMonitor.Operators.AutogradErrorOperator.ForModel(model, batch.Input, batch.Target, ErrorFunctions.SquaredError);
            lanczosJacobi = TrainMonitor.Spectral.LanczosIteration.Run(autograd, new TrainMonitor.Spectral.LanczosOptions { Steps = 64 });
        });
        var lanczosBoth = new TrainMonitor.Spectral.SpectralMeasure([lanczosJacobi, lanczosJacobi]);
        var quantileLanczos = Time(() => TrainMonitor.Frontier.QuantileFrontier.Compute(lanczosBoth, 1e-10 * lanczosBoth.LambdaMax, 0.5));
        Console.WriteLine(FormattableString.Invariant(
            $"  quantile frontier with certified interval: exact measure {quantileExact:F3} ms; Lanczos m = 64 two-batch measure {quantileLanczos:F2} ms against {2 * lanczos:F1} ms for its two Lanczos runs (ratio {quantileLanczos / (2 * lanczos):F4})"));
        // The energy budget (issue 13): dissipation and the transport budget against the previous probe, on the same
        // two-batch measures; certified bounds cost Radau decompositions only on the Lanczos path.
        var path = new TrainMonitor.EnergyBudget.LearningRatePath([new TrainMonitor.EnergyBudget.RateSegment(0.05, 500)]);
        var dissipationExact = Time(() => TrainMonitor.EnergyBudget.DissipationProfile.Compute(shellProfile, both, 0.05));
        var transportExact = Time(() => TrainMonitor.EnergyBudget.TransportBudget.Compute(both, both, shellProfile, path, 1));
        var lanczosProfile = TrainMonitor.Shells.ShellProfile.Compute(lanczosBoth, new TrainMonitor.Shells.ShellGrid(2), TrainMonitor.Shells.NullFloor.Relative(1e-10));
        var dissipationLanczos = Time(() => TrainMonitor.EnergyBudget.DissipationProfile.Compute(lanczosProfile, lanczosBoth, 0.05));
        var transportLanczos = Time(() => TrainMonitor.EnergyBudget.TransportBudget.Compute(lanczosBoth, lanczosBoth, lanczosProfile, path, 1));
        Console.WriteLine(FormattableString.Invariant(
            $"  energy budget: exact measure dissipation {dissipationExact:F3} ms, transport {transportExact:F3} ms; Lanczos m = 64 measure dissipation {dissipationLanczos:F3} ms, transport {transportLanczos:F2} ms (ratio to its two Lanczos runs {transportLanczos / (2 * lanczos):F4}); whole default probe {whole:F1} ms"));
        var guardTime = Time(() => { using var g = new ProbeGuard(model); });
        var step = Time(() =>
        {
            using var s = NewDisposeScope();
            var loss = nn.functional.mse_loss(model.call(batch.Input[..128]), batch.Target[..128]);
            loss.backward();
        });
        model.zero_grad();
        Console.WriteLine(FormattableString.Invariant(
            $"  per probe: averaging the two batch measures {averaging:F2} ms, shell profile + bounds of the two-batch measure {profileBoth:F2} ms, frontier fit {fit:F2} ms, guard {guardTime:F2} ms; a forward + backward of 128 examples {step:F2} ms"));
    }

    internal static nn.Module<Tensor, Tensor> CreateModel() => nn.Sequential(
        ("fc1", nn.Linear(48, 256)), ("act1", nn.GELU()),
        ("fc2", nn.Linear(256, 256)), ("act2", nn.GELU()),
        ("out", nn.Linear(256, 1)));

    /// <summary>The QuickStart task: inputs with covariance k^(−1.5), a teacher with energy k^(−2) plus a tanh term.</summary>
    internal static (Tensor TrainX, Tensor TrainY, Tensor ProbeX, Tensor ProbeY) Data()
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
