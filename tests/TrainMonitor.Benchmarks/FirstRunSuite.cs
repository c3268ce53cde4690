using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Probing;
using TrainMonitor.Session;
using static TorchSharp.torch;

namespace TrainMonitor.Benchmarks;

/// <summary>
/// What a new user sees on a first run: the QuickStart's model, data, optimiser and probe set (512 examples in batches of
/// 256), trained for 1000 steps with the README's plain <c>Attach</c> — the library's default options, not the
/// QuickStart's appsettings — and the monitor disposed at the end, as a <c>using</c> does. Each repetition runs the same
/// training without a monitor beside it (which goes first alternates), so the wall-time overhead is measured, not only
/// the monitor's own account of it.
/// </summary>
internal static class FirstRunSuite
{
    public static int Run(string[] args)
    {
        var steps = Arguments.Int(args, "--steps", 1000);
        var runs = Arguments.Int(args, "--runs", 3);
        if (Array.IndexOf(args, "--threads") >= 0)
        {
            set_num_threads(Arguments.Int(args, "--threads", 1));
        }

        // Only to measure other caps beside the default (docs/engine.md "Schedule and budget"); the RESULT is the default's.
        int? maxExamples = Array.IndexOf(args, "--max-examples") >= 0 ? Arguments.Int(args, "--max-examples", 1) : null;
        var (trainX, trainY, probeX, probeY) = OverheadSuite.Data();
        using var probeSet = ProbeSet.FromTensors(probeX, probeY, batchSize: 256);
        Console.WriteLine($"firstrun: QuickStart MLP 48-256-256-1, batch 128, {steps} steps, {(maxExamples is { } m ? $"MaxProbeExamples {m}, other options default" : "default MonitorOptions")}, probe set {probeSet.Count} examples in {probeSet.Batches.Count} batches, {get_num_threads()} threads, {runs} runs");

        var probes = new List<long>();
        var last = new List<long>();
        var reported = new List<double>();
        var measured = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            double baseline;
            Outcome outcome;
            if (run % 2 == 0)
            {
                baseline = Train(trainX, trainY, probeSet, steps, monitored: false, maxExamples).Seconds;
                outcome = Train(trainX, trainY, probeSet, steps, monitored: true, maxExamples);
            }
            else
            {
                outcome = Train(trainX, trainY, probeSet, steps, monitored: true, maxExamples);
                baseline = Train(trainX, trainY, probeSet, steps, monitored: false, maxExamples).Seconds;
            }

            probes.Add(outcome.Probes);
            last.Add(outcome.LastProbeStep);
            reported.Add(outcome.OverheadRatio);
            measured.Add((outcome.Seconds / baseline) - 1);
            Console.WriteLine(FormattableString.Invariant(
                $"  run {run + 1}: {outcome.Probes} probes at steps {string.Join(",", outcome.ProbeSteps)} taking {string.Join(",", outcome.ProbeMilliseconds.Select(ms => ms.ToString("F0", CultureInfo.InvariantCulture)))} ms; postponed {outcome.Postponed}; monitor's overhead_ratio {outcome.OverheadRatio:F4}; wall {outcome.Seconds:F2} s against {baseline:F2} s unmonitored ({measured[^1]:P1})"));
        }

        Console.WriteLine(FormattableString.Invariant(
            $"RESULT probes={PairedTiming.Median(probes.Select(p => (double)p).ToArray()):F0} last_probe_step={PairedTiming.Median(last.Select(p => (double)p).ToArray()):F0} steps={steps} overhead_ratio={PairedTiming.Median(reported):F4} measured_overhead={PairedTiming.Median(measured):F4} threads={get_num_threads()}"));
        return 0;
    }

    private sealed record Outcome(double Seconds, long Probes, long LastProbeStep, long[] ProbeSteps, double[] ProbeMilliseconds, long Postponed, double OverheadRatio);

    /// <summary>One run from a fresh model; with the monitor attached by default options and disposed at the end (timed).</summary>
    private static Outcome Train(Tensor trainX, Tensor trainY, ProbeSet probeSet, int steps, bool monitored, int? maxExamples)
    {
        using var loop = new OverheadSuite.TrainingLoop(trainX, trainY);
        var stopwatch = Stopwatch.StartNew();
        var monitor = !monitored ? null
            : maxExamples is { } cap ? TrainingMonitor.Attach(loop.Model, probeSet, ErrorFunctions.SquaredError, new MonitorOptions { MaxProbeExamples = cap })
            : TrainingMonitor.Attach(loop.Model, probeSet, ErrorFunctions.SquaredError);
        loop.Monitor = monitor;
        loop.Run(1, steps);
        monitor?.Dispose();
        var seconds = stopwatch.Elapsed.TotalSeconds;
        if (monitor is null)
        {
            return new Outcome(seconds, 0, 0, [], [], 0, double.NaN);
        }

        var status = monitor.Status;
        var history = monitor.History;
        return new Outcome(seconds, status.ProbesTotal, history.Count > 0 ? history[^1].Step : 0, history.Select(h => h.Step).ToArray(),
            history.Select(h => h.ProbeDurationSeconds * 1000).ToArray(), status.ProbesPostponedTotal, status.OverheadRatio);
    }
}
