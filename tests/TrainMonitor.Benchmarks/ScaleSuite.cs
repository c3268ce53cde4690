using System.Diagnostics;
using System.Runtime.InteropServices;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Probing;
using static TorchSharp.torch;

namespace TrainMonitor.Benchmarks;

/// <summary>
/// A probe at language-model scale: a decoder-only Transformer of about 10M parameters, a probe batch of 8192
/// tokens (per-token cross-entropy, n = 8192, so the probe takes the Lanczos path), its wall time, and its peak
/// memory against that of one training step on the same batch.
/// </summary>
/// <remarks>
/// Peak memory is the process's peak resident set (VmHWM), reset before each phase by writing 5 to
/// <c>/proc/self/clear_refs</c>, with freed heap returned to the system first (<c>malloc_trim</c>) so the phase
/// starts from a comparable baseline. Each phase's figure is its peak minus the resident set at its start.
/// </remarks>
internal static class ScaleSuite
{
    public static int Run(string[] args)
    {
        var steps = Arguments.Int(args, "--steps", 4);
        var sketch = Arguments.Int(args, "--sketch", 1);
        var sequences = Arguments.Int(args, "--sequences", 32);
        var length = Arguments.Int(args, "--length", 256);
        const int vocabulary = 8192, width = 256, layers = 8, heads = 8;

        manual_seed(5);
        using var model = new Validation.Models.CausalTransformer(vocabulary, length, width, heads, layers);
        var parameters = model.parameters().Sum(p => p.numel());
        Console.WriteLine($"scale: decoder-only Transformer V={vocabulary} D={width} L={layers} H={heads}, {parameters / 1e6:F2}M parameters, " +
            $"probe batch {sequences}×{length} = {sequences * length} tokens, Lanczos steps {steps}, sketch {sketch}, {torch.get_num_threads()} threads");

        var generator = new Generator(3);
        using var idx = randint(0, vocabulary, new long[] { sequences, length }, generator: generator);
        using var target = randint(0, vocabulary, new long[] { sequences, length }, generator: generator);
        using var optimizer = optim.SGD(model.parameters(), 1e-3);

        void TrainingStep()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var logits = model.call(idx);
            var loss = nn.functional.cross_entropy(logits.reshape(-1, vocabulary), target.reshape(-1));
            loss.backward();
            optimizer.step();
        }

        // A warm-up step outside the measurement (allocator, thread pool, first-call costs).
        TrainingStep();
        var (stepSeconds, stepPeak) = Measure(TrainingStep);
        Console.WriteLine(FormattableString.Invariant($"  training step: {stepSeconds:F2} s, peak +{stepPeak / 1e6:F0} MB"));

        SpectralProbeResult? result = null;
        var options = new SpectralProbeOptions { LanczosSteps = Math.Max(2, steps), SketchVectors = sketch };
        var batches = new[] { new ProbeBatch(idx, target) };
        var (probeSeconds, probePeak) = Measure(() => result = SpectralProbe.Run(model, batches, ErrorFunctions.CrossEntropyPerToken, options));
        var products = result!.OperatorApplications;
        Console.WriteLine(FormattableString.Invariant(
            $"  probe: {probeSeconds:F2} s for {products} operator products ({result.Methods[0]}; Gram: {result.GramUnavailableReason ?? "used"}), peak +{probePeak / 1e6:F0} MB"));
        var perProduct = probeSeconds / Math.Max(1, products);
        var projected = perProduct * (64 + 8);
        Console.WriteLine(FormattableString.Invariant(
            $"  ≈ {perProduct:F1} s per product including the one-off graph build; a default probe (m = 64, 8 sketch vectors) would take ≈ {projected / 60:F0} min here"));
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"RESULT probe_seconds={probeSeconds:F1} step_seconds={stepSeconds:F2} probe_over_step={probeSeconds / stepSeconds:F2} products={products} " +
            $"probe_peak_mb={probePeak / 1e6:F0} step_peak_mb={stepPeak / 1e6:F0} probe_mem_over_step={(double)probePeak / stepPeak:F2}"));
        return 0;
    }

    private static (double Seconds, long PeakBytes) Measure(Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        MallocTrim(0);
        File.WriteAllText("/proc/self/clear_refs", "5");
        var start = ResidentBytes("VmRSS");
        var stopwatch = Stopwatch.StartNew();
        action();
        var seconds = stopwatch.Elapsed.TotalSeconds;
        return (seconds, ResidentBytes("VmHWM") - start);
    }

    private static long ResidentBytes(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/self/status has no {key} line.");
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
