using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Kernel;
using TrainMonitor.Outputs;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using TrainMonitor.Session;
using Validation.Analysis;
using Validation.Models;
using Validation.Plotting;
using Validation.Reporting;
using static TorchSharp.torch;

namespace Validation.Cases;

/// <summary>
/// Case 2: lazy versus rich training (Chizat &amp; Bach 2019). A centred two-layer ReLU network with output scale α and
/// loss divided by α² learns a single-index teacher y = relu(v·x) in d dimensions, for α from 0.1 to 100, with the
/// same learning rate and steps (the α² makes the function-space dynamics α-independent in the lazy limit). Expected:
/// the kernel moves less as α grows, large-α runs stall on held-out error while small-α runs keep improving, and the
/// regime tracker calls the former lazy (with the stagnation alert where they stall) and the latter feature learning.
/// </summary>
internal sealed class LazyRichCase(LazyRichCase.Settings settings)
{
    public sealed record Settings(int Inputs = 32, int Width = 256, int TrainExamples = 1024, int ProbeExamples = 256, int TestExamples = 2048,
        int Steps = 4096, double LearningRate = 1.0, int LanczosSteps = 32, IReadOnlyList<double>? Alphas = null, int Seed = 11,
        double RichBelow = 0.5, double LazyAbove = 5.0, double StallImprovement = 0.01, double EnergyFraction = 0.5, double MinimumOccupancy = 4)
    {
        public IReadOnlyList<double> AlphaValues => Alphas ?? [0.1, 0.3, 1, 3, 10, 30, 100];
    }

    /// <summary>What one α gave.</summary>
    public sealed record Run(double Alpha, double TestErrorStart, double TestErrorEnd, double LastDoublingImprovement, bool HeldOutStalled,
        double KernelDistance, double KernelRelativeChange, string Classified, string Expected, bool StagnationAlert, string AlertState, int FeatureProbes, int LazyProbes,
        IReadOnlyList<ProbeSnapshot> History, IReadOnlyList<(long Step, double TestError)> TestCurve, IReadOnlyList<ProbeSnapshot> TrainProbeHistory)
    {
        /// <summary>The transport fractions of the held-out probe's intervals, in step order.</summary>
        public double[] TransportFractions => Fractions(History);

        /// <summary>The transport fractions of the probe on the training set (exact Gram path), in step order.</summary>
        public double[] TrainTransportFractions => Fractions(TrainProbeHistory);

        public double TransportMedian => Median(TransportFractions);

        public double TrainTransportMedian => Median(TrainTransportFractions);

        private static double[] Fractions(IReadOnlyList<ProbeSnapshot> history) =>
            [.. history.Where(h => h.Transport is not null).Select(h => h.Transport!.TransportFraction).Where(double.IsFinite)];

        private static double Median(double[] values) => values.Length > 0 ? Statistics.Median(values) : double.NaN;

        public bool Scored => Expected != "either";
        public bool Correct => !Scored || Classified == Expected;
        public bool FalseAlert => StagnationAlert && !HeldOutStalled;
        public bool MissedAlert => Expected == "lazy" && HeldOutStalled && !StagnationAlert;
    }

    public IReadOnlyList<Run> Execute(string? artifacts, ValidationResults results, TextWriter output)
    {
        var runs = settings.AlphaValues.Select(RunOne).ToList();
        var table = new TextTable("α", "test E(T/4)", "test E(T)", "gain last 2×", "stalled", "S(0,T)", "‖ΔM‖/‖M‖", "T held out (median)", "T train (median)", "T train (max)",
            "feat/lazy probes", "classified", "expected", "alert");
        foreach (var r in runs)
        {
            table.Add(r.Alpha, r.TestErrorStart, r.TestErrorEnd, r.LastDoublingImprovement, r.HeldOutStalled ? "yes" : "no", r.KernelDistance,
                r.KernelRelativeChange, r.TransportMedian, r.TrainTransportMedian, r.TrainTransportFractions.DefaultIfEmpty(double.NaN).Max(), $"{r.FeatureProbes}/{r.LazyProbes}", r.Classified, r.Expected, r.AlertState);
        }

        output.WriteLine("Case 2 — lazy versus rich (output scale α, loss / α²), single-index teacher relu(v·x)");
        output.WriteLine(table);
        var alphas = runs.Select(r => r.Alpha).ToArray();
        var slope = LeastSquaresLine.FitLogLog(alphas, runs.Select(r => r.KernelDistance).ToArray()).Slope;
        var relativeSlope = LeastSquaresLine.FitLogLog(alphas, runs.Select(r => r.KernelRelativeChange).ToArray()).Slope;
        var lazyTail = runs.Where(r => r.Alpha >= 1).ToArray();
        var lazySlope = LeastSquaresLine.FitLogLog(lazyTail.Select(r => r.Alpha).ToArray(), lazyTail.Select(r => r.KernelDistance).ToArray()).Slope;
        var lazyRelativeSlope = LeastSquaresLine.FitLogLog(lazyTail.Select(r => r.Alpha).ToArray(), lazyTail.Select(r => r.KernelRelativeChange).ToArray()).Slope;
        output.WriteLine($"kernel distance S(0,T) ∝ α^{slope:0.###} over all α (α ≥ 1: {lazySlope:0.###}); relative change ‖M_T − M_0‖_F/‖M_0‖_F ∝ α^{relativeSlope:0.###} (α ≥ 1: {lazyRelativeSlope:0.###})");
        var scored = runs.Where(r => r.Scored).ToArray();
        results.Set("kernel_distance_slope", slope);
        results.Set("kernel_distance_slope_lazy", lazySlope);
        results.Set("kernel_relative_change_slope", relativeSlope);
        results.Set("regime_correct", scored.Count(r => r.Correct) / (double)scored.Length);
        results.Set("false_stagnation_alerts", runs.Count(r => r.FalseAlert));
        results.Set("missed_stagnation_alerts", runs.Count(r => r.MissedAlert));

        // The energy budget. On the training set (exact path) the frozen-kernel prediction is exact up to the kernel's
        // motion, so the transport fraction measures that motion; classified on its own: feature learning when its median
        // over the run's intervals exceeds the tracker's default threshold.
        var transportSlope = LeastSquaresLine.FitLogLog(alphas, runs.Select(r => r.TrainTransportMedian).ToArray()).Slope;
        var byTransport = scored.Count(r => (r.TrainTransportMedian > RegimeThresholds.DefaultTransportThreshold ? "feature_learning" : "lazy") == r.Expected);
        output.WriteLine($"transport fraction (probe = training set, median over intervals) ∝ α^{transportSlope:0.###}; " +
            $"classified by it alone (> {RegimeThresholds.DefaultTransportThreshold}): {byTransport} of {scored.Length} scored runs right; " +
            $"held-out probe: median {Statistics.Median(runs.Select(r => r.TransportMedian)):0.###} at every α (train/probe mismatch, not transport)");
        results.Set("transport_fraction_slope", transportSlope);
        results.Set("regime_correct_by_transport", byTransport / (double)scored.Length);
        results.Set("transport_fraction_held_out_median", Statistics.Median(runs.Select(r => r.TransportMedian)));

        if (artifacts is not null)
        {
            LogLogChart.Save(Path.Combine(artifacts, "lazyrich_kernel_distance.png"), "Kernel distance over training against output scale α",
                "α", "kernel change",
                [
                    new ChartSeries("S(0,T) = 1 − cos(M_0, M_T)", alphas, runs.Select(r => r.KernelDistance).ToArray()),
                    new ChartSeries("‖M_T − M_0‖_F / ‖M_0‖_F", alphas, runs.Select(r => r.KernelRelativeChange).ToArray()),
                ]);
            LogLogChart.Save(Path.Combine(artifacts, "lazyrich_transport_fraction.png"), "Transport fraction (median over probe intervals) against output scale α",
                "α", "transport fraction",
                [
                    new ChartSeries("probe = training set (exact)", alphas, runs.Select(r => r.TrainTransportMedian).ToArray()),
                    new ChartSeries("held-out probe (Lanczos)", alphas, runs.Select(r => r.TransportMedian).ToArray()),
                ]);
            LogLogChart.Save(Path.Combine(artifacts, "lazyrich_test_error.png"), "Held-out error against step, per α", "step t", "test ½·MSE",
                runs.Select(r => new ChartSeries($"α={r.Alpha}", r.TestCurve.Select(p => (double)p.Step).ToArray(), r.TestCurve.Select(p => p.TestError).ToArray())));
            LogLogChart.Save(Path.Combine(artifacts, "lazyrich_kernel_velocity.png"), "Kernel velocity (tracker) against step, per α", "step t",
                "S per unit ln t", runs.Select(r => new ChartSeries($"α={r.Alpha}", r.History.Select(h => (double)h.Step).ToArray(),
                    r.History.Select(h => h.Assessment.KernelVelocity).ToArray())));
        }

        return runs;
    }

    private Run RunOne(double alpha)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)settings.Seed);
        var d = settings.Inputs;
        var teacher = randn(new long[] { d }, generator: generator);
        teacher /= teacher.norm();
        (Tensor X, Tensor Y) Sample(int n)
        {
            var x = randn(new long[] { n, d }, generator: generator);
            return (x, nn.functional.relu(x.matmul(teacher)).unsqueeze(1));
        }

        var (xTrain, yTrain) = Sample(settings.TrainExamples);
        var (xProbe, yProbe) = Sample(settings.ProbeExamples);
        var (xTest, yTest) = Sample(settings.TestExamples);
        // Same initial weights for every α (same seed, drawn after the data).
        using var model = new CentredTwoLayerNetwork(d, settings.Width, alpha, generator);
        using var probe = ProbeSet.FromTensors(xProbe, yProbe, settings.ProbeExamples);
        // The Lanczos path at m steps, as in the documented reference run (Auto would take the exact Gram path here).
        var probeOptions = new SpectralProbeOptions { Method = ProbeMethod.Lanczos, LanczosSteps = settings.LanczosSteps, FrontierEnergyFraction = settings.EnergyFraction,
            Frontier = { MinimumOccupancy = settings.MinimumOccupancy } };
        var initial = SpectralProbe.Run(model, probe.Batches, ErrorFunctions.SquaredError, probeOptions);

        // GD on (1/α²)·½‖e‖²/n with rate η is GD on ½‖e‖²/n with rate η/α²: that is the rate the monitor needs for η·λ_max.
        var effectiveRate = settings.LearningRate / (alpha * alpha);
        var testCurve = new List<(long, double)>();
        IReadOnlyList<ProbeSnapshot> history;
        // A second probe on the training set itself, exact (Gram) path: there gradient descent is the frozen-kernel dynamics
        // up to the kernel's motion, so its transport fraction measures the motion (the held-out probe's also carries the
        // train/probe mismatch).
        using var trainProbe = ProbeSet.FromTensors(xTrain, yTrain, settings.TrainExamples);
        using var trainMonitor = TrainingMonitor.Attach(model, trainProbe, ErrorFunctions.SquaredError, new MonitorOptions
        {
            RunName = $"alpha-{alpha}-train",
            MaxProbeExamples = 0,
            Schedule = { FirstProbeStep = 1, LogSpacingFactor = 2, OverheadBudget = 0 },
            Probe = { Method = ProbeMethod.Exact, ExactMaxBatchSize = settings.TrainExamples, SketchVectors = 0, FrontierEnergyFraction = settings.EnergyFraction },
        });
        using (var monitor = TrainingMonitor.Attach(model, probe, ErrorFunctions.SquaredError, new MonitorOptions
        {
            RunName = $"alpha-{alpha}",
            MaxProbeExamples = 0,
            Schedule = { FirstProbeStep = 1, LogSpacingFactor = 2, OverheadBudget = 0 },
            Probe = probeOptions,
        }))
        {
            using var optimizer = optim.SGD(model.parameters(), settings.LearningRate);
            var nextTest = 1L;
            for (var step = 1; step <= settings.Steps; step++)
            {
                using var stepScope = NewDisposeScope();
                optimizer.zero_grad();
                var loss = 0.5 * (model.forward(xTrain) - yTrain).pow(2).mean() / (alpha * alpha);
                loss.backward();
                optimizer.step();
                monitor.OnStep(step, effectiveRate, loss.item<float>() * alpha * alpha);
                trainMonitor.OnStep(step, effectiveRate, loss.item<float>() * alpha * alpha);
                if (step == nextTest || step == settings.Steps)
                {
                    using (no_grad())
                    {
                        testCurve.Add((step, 0.5 * (model.forward(xTest) - yTest).pow(2).mean().item<float>()));
                    }

                    nextTest = Math.Max(nextTest + 1, (long)Math.Ceiling(nextTest * Math.Sqrt(2)));
                }
            }

            monitor.FlushAsync().GetAwaiter().GetResult();
            history = monitor.History;
            trainMonitor.FlushAsync().GetAwaiter().GetResult();
            if (Environment.GetEnvironmentVariable("VALIDATION_VERBOSE") == "1")
            {
                Console.WriteLine($"  α={alpha} train probe: {trainMonitor.Status.ProbesTotal} probes, {trainMonitor.Status.ProbeFailuresTotal} failed; " + string.Join(" ", trainMonitor.History.Select(h => $"{h.Step}:{h.Transport?.TransportFraction:g3}")));
            }
        }

        var final = SpectralProbe.Run(model, probe.Batches, ErrorFunctions.SquaredError, probeOptions);
        var distance = KernelSketch.Distance(initial.Sketch!, final.Sketch!);
        var relative = RelativeChange(initial.Sketch!, final.Sketch!);

        var end = testCurve[^1].Item2;
        var quarter = testCurve.Last(p => p.Item1 <= settings.Steps / 4).Item2;
        var half = testCurve.Last(p => p.Item1 <= settings.Steps / 2).Item2;
        var improvement = 1 - end / half;
        var judged = history.Where(h => h.Assessment.Regime is not (TrainingRegime.WarmingUp or TrainingRegime.Unstable)).ToArray();
        var featureProbes = judged.Count(h => h.Assessment.Regime == TrainingRegime.FeatureLearning);
        var lazyProbes = judged.Count(h => h.Assessment.Regime is TrainingRegime.LazyProgressing or TrainingRegime.LazyStagnant);
        var classified = featureProbes > lazyProbes ? "feature_learning" : "lazy";
        var expected = alpha < settings.RichBelow ? "feature_learning" : alpha > settings.LazyAbove ? "lazy" : "either";
        // The alert a stalled held-out error should raise: lazy_stagnant, or overfitting where the held-out error, no longer
        // falling, turned upward while the training loss kept falling (the large-α runs do that late: −1.5 % over the last
        // doubling) — both tell the user that more steps at this setting will not help, and which one is the run's business.
        var firstAlert = history.FirstOrDefault(h => h.Assessment.Regime is TrainingRegime.LazyStagnant or TrainingRegime.Overfitting);
        var alert = firstAlert is not null;
        if (Environment.GetEnvironmentVariable("VALIDATION_VERBOSE") == "1")
        {
            foreach (var h in history)
            {
                Console.WriteLine($"  α={alpha} t={h.Step} E={h.ErrorEnergy:g3} λf={h.Frontier.Lambda:g3} S={h.Assessment.KernelDistance:g3} v={h.Assessment.KernelVelocity:g3} c={h.Assessment.FrontierVelocity:g3} γ={h.Assessment.MeasuredLossExponent:g3} margin={h.Assessment.StabilityMargin:g3} T={h.Transport?.TransportFraction:g3} [{h.Transport?.TransportFractionLower:g3}, {h.Transport?.TransportFractionUpper:g3}] {h.Assessment.Regime} | {h.Frontier.Reason}");
            }
        }

        return new Run(alpha, quarter, end, improvement, improvement < settings.StallImprovement, distance, relative, classified, expected, alert, firstAlert?.Assessment.Regime.ToWireName() ?? "-",
            featureProbes, lazyProbes, history, testCurve, trainMonitor.History);
    }

    /// <summary>‖Y_T − Y_0‖_F / ‖Y_0‖_F from the sketches Y = M Z: an unbiased-in-ratio estimate of ‖M_T − M_0‖_F / ‖M_0‖_F, first order in the kernel's displacement.</summary>
    private static double RelativeChange(KernelSketch a, KernelSketch b)
    {
        double difference = 0, reference = 0;
        for (var batch = 0; batch < a.BatchCount; batch++)
        {
            var ya = a.CopyBatchSketch(batch);
            var yb = b.CopyBatchSketch(batch);
            for (var i = 0; i < ya.Length; i++)
            {
                difference += (yb[i] - ya[i]) * (yb[i] - ya[i]);
                reference += ya[i] * ya[i];
            }
        }

        return Math.Sqrt(difference / reference);
    }
}
