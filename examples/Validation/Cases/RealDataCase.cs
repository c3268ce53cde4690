using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Outputs;
using TrainMonitor.Probing;
using Validation.Analysis;
using Validation.Data;
using Validation.Models;
using Validation.Plotting;
using Validation.Reporting;
using static TorchSharp.torch;

namespace Validation.Cases;

/// <summary>
/// Case 3: real data and three architectures. An MLP and a small CNN on the UCI digits (cross-entropy, per-example
/// surprisal) and a small causal Transformer on a Zipfian synthetic language (surprisal per token), probed by the
/// monitor at doubling steps. Reports whether each profile is unimodal, the frontier per checkpoint, its displacement
/// between checkpoints, and the frontier velocity c.
/// </summary>
internal sealed class RealDataCase(RealDataCase.Settings settings)
{
    public sealed record Settings(int MlpSteps = 1024, int CnnSteps = 512, int TransformerSteps = 1024, int ProbeExamples = 256,
        int TokenProbeSequences = 16, int LanczosSteps = 64, int Seed = 3, double EnergyFraction = 0.5, double MinimumOccupancy = 4);

    /// <summary>The monitor's history for one architecture, with the figures derived from it.</summary>
    public sealed record Architecture(string Name, IReadOnlyList<ProbeSnapshot> History)
    {
        public int Unimodal => History.Count(h => IsUnimodal(h));

        /// <summary>Probes with a determined (quantile) frontier.</summary>
        public int Determined => History.Count(h => h.Frontier.IsDetermined);

        /// <summary>Probes whose amplitude–frontier fit was determined.</summary>
        public int FitDetermined => History.Count(h => h.Frontier.Fit.IsDetermined);

        /// <summary>Successive determined frontiers: (step, ln λ_f(t_{i+1}) − ln λ_f(t_i), whether the probe error fell in between).</summary>
        public IReadOnlyList<(long Step, double Displacement, bool ErrorFell)> Displacements =>
            History.Where(h => h.Frontier.IsDetermined).Zip(History.Where(h => h.Frontier.IsDetermined).Skip(1))
                .Select(p => (p.Second.Step, Math.Log(p.Second.Frontier.Lambda / p.First.Frontier.Lambda), p.Second.ErrorEnergy < p.First.ErrorEnergy)).ToArray();

        /// <summary>
        /// Fraction of consecutive probe pairs, among those over which the held-out (probe) error fell, where the frontier
        /// did not move up: the frontier tracks learning. NaN when the error never fell.
        /// </summary>
        public double MonotoneWhileErrorFalls
        {
            get
            {
                var falling = Displacements.Where(d => d.ErrorFell).ToArray();
                return falling.Length == 0 ? double.NaN : falling.Count(d => d.Displacement <= 0) / (double)falling.Length;
            }
        }

        public double FrontierVelocity
        {
            get
            {
                var determined = History.Where(h => h.Frontier.IsDetermined).ToArray();
                return -LeastSquaresLine.FitLogLog(determined.Select(h => (double)h.Step).ToArray(), determined.Select(h => h.Frontier.Lambda).ToArray()).Slope;
            }
        }

        /// <summary>A profile counts as unimodal unless the monitor's fit rejected it as multimodal.</summary>
        public static bool IsUnimodal(ProbeSnapshot h) => h.Frontier.Fit.Reason is not { } reason || !reason.Contains("not unimodal", StringComparison.Ordinal);
    }

    public IReadOnlyList<Architecture> Execute(string? artifacts, ValidationResults results, TextWriter output)
    {
        var architectures = new List<Architecture> { RunMlp(), RunCnn(), RunTransformer() };
        output.WriteLine($"Case 3 — real data: MLP and CNN on UCI digits, causal Transformer on a Zipfian language (probes at doubling steps; frontier = energy quantile p = {settings.EnergyFraction})");
        foreach (var a in architectures)
        {
            var table = new TextTable("step", "error energy", "λ_max", "λ_f", "λ_f lower", "λ_f upper", "Δln λ_f", "fit λ", "s", "R²", "outliers", "unimodal", "transport", "kernel velocity",
                "regime", "why the fit is undetermined");
            var displacement = a.Displacements.ToDictionary(d => d.Step, d => d.Displacement);
            foreach (var h in a.History)
            {
                table.Add(h.Step, h.ErrorEnergy, h.LambdaMax, h.Frontier.Lambda, h.Frontier.LambdaLower, h.Frontier.LambdaUpper,
                    displacement.TryGetValue(h.Step, out var dx) ? dx : double.NaN, h.Frontier.Fit.Lambda, h.Frontier.Fit.TailExponent, h.Frontier.Fit.R2,
                    h.Frontier.Fit.OutlierEnergy / h.ErrorEnergy, Architecture.IsUnimodal(h) ? "yes" : "no", h.Transport?.TransportFraction ?? double.NaN,
                    h.Assessment.KernelVelocity, h.Assessment.Regime.ToString(),
                    h.Frontier.Fit.Reason ?? h.Frontier.Reason ?? "");
            }

            output.WriteLine($"{a.Name}: frontier determined at {a.Determined}/{a.History.Count}, monotone while error falls {a.MonotoneWhileErrorFalls:0.###}, " +
                $"c = {a.FrontierVelocity:0.###}; fit determined at {a.FitDetermined}/{a.History.Count}, {a.Unimodal}/{a.History.Count} unimodal");
            output.WriteLine(table);
        }

        var all = architectures.SelectMany(a => a.History).ToArray();
        var displacements = architectures.SelectMany(a => a.Displacements).Where(d => d.ErrorFell).ToArray();
        results.Set("unimodal_fraction", all.Count(Architecture.IsUnimodal) / (double)all.Length);
        results.Set("determined_fraction", all.Count(h => h.Frontier.IsDetermined) / (double)all.Length);
        results.Set("fit_determined_fraction", all.Count(h => h.Frontier.Fit.IsDetermined) / (double)all.Length);
        results.Set("frontier_monotone_fraction", displacements.Length == 0 ? double.NaN : displacements.Count(d => d.Displacement <= 0) / (double)displacements.Length);
        foreach (var a in architectures)
        {
            results.Set($"determined_{a.Name}", a.Determined / (double)a.History.Count);
            results.Set($"monotone_{a.Name}", a.MonotoneWhileErrorFalls);
            results.Set($"c_{a.Name}", a.FrontierVelocity);
            var fractions = a.History.Where(h => h.Transport is not null).Select(h => h.Transport!.TransportFraction).Where(double.IsFinite).ToArray();
            results.Set($"transport_median_{a.Name}", fractions.Length > 0 ? Statistics.Median(fractions) : double.NaN);
        }

        if (artifacts is not null)
        {
            foreach (var a in architectures)
            {
                ProfileFigures.SaveProfiles(Path.Combine(artifacts, $"realdata_{a.Name}_profiles.png"), $"{a.Name}: shell energy per checkpoint", a.History);
            }

            LogLogChart.Save(Path.Combine(artifacts, "realdata_frontier.png"), $"Energy-quantile frontier λ_f (p = {settings.EnergyFraction}) against step", "step t", "λ_f",
                architectures.Select(a => new ChartSeries(a.Name, a.History.Select(h => (double)h.Step).ToArray(), a.History.Select(h => h.Frontier.Lambda).ToArray())));
        }

        return architectures;
    }

    private (ProbeSet Probe, Tensor TrainX, Tensor TrainY) DigitsSplit()
    {
        var digits = DigitsDataset.Load(DigitsDataset.DefaultPath());
        var order = Enumerable.Range(0, digits.Count).ToArray();
        new Random(settings.Seed).Shuffle(order);
        var (px, py) = digits.Take(order[..settings.ProbeExamples]);
        var (tx, ty) = digits.Take(order[settings.ProbeExamples..]);
        var probe = ProbeSet.FromTensors(px, py, settings.ProbeExamples);
        px.Dispose();
        py.Dispose();
        return (probe, tx, ty);
    }

    private Architecture RunDigits(string name, nn.Module<Tensor, Tensor> model, int steps, double rate)
    {
        var (probe, tx, ty) = DigitsSplit();
        using (probe)
        using (tx)
        using (ty)
        using (model)
        {
            using var optimizer = optim.SGD(model.parameters(), rate, momentum: 0.9);
            var random = new Random(settings.Seed);
            var count = (int)tx.shape[0];
            var history = MonitoredTraining.Run(name, model, probe, ErrorFunctions.CrossEntropy, steps, _ =>
            {
                var index = tensor(Enumerable.Range(0, 64).Select(_ => (long)random.Next(count)).ToArray());
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.call(tx[index]), ty[index]);
                loss.backward();
                optimizer.step();
                return (loss.item<float>(), rate);
            }, new SpectralProbeOptions { Method = ProbeMethod.Lanczos, LanczosSteps = settings.LanczosSteps, FrontierEnergyFraction = settings.EnergyFraction,
            Frontier = { MinimumOccupancy = settings.MinimumOccupancy } });
            return new Architecture(name, history);
        }
    }

    private Architecture RunMlp()
    {
        manual_seed(settings.Seed);
        return RunDigits("mlp", new DigitsMlp(), settings.MlpSteps, 0.02);
    }

    private Architecture RunCnn()
    {
        manual_seed(settings.Seed);
        return RunDigits("cnn", new DigitsCnn(), settings.CnnSteps, 0.02);
    }

    private Architecture RunTransformer()
    {
        manual_seed(settings.Seed);
        const int length = 32;
        var language = new ZipfLanguage(vocabulary: 48, topics: 4, length: length, lag: 8, copy: 0.3, seed: settings.Seed);
        var random = new Random(settings.Seed);
        var (px, py) = language.Sample(settings.TokenProbeSequences, random);
        using var probe = ProbeSet.FromTensors(px, py, settings.TokenProbeSequences);
        px.Dispose();
        py.Dispose();
        using var model = new CausalTransformer(language.Vocabulary, length, width: 32, heads: 4, layers: 2);
        const double rate = 3e-3;
        using var optimizer = optim.Adam(model.parameters(), rate);
        var history = MonitoredTraining.Run("transformer", model, probe, ErrorFunctions.CrossEntropyPerToken, settings.TransformerSteps, _ =>
        {
            var (x, y) = language.Sample(32, random);
            optimizer.zero_grad();
            var logits = model.call(x);
            var loss = nn.functional.cross_entropy(logits.reshape(-1, language.Vocabulary), y.reshape(-1));
            loss.backward();
            optimizer.step();
            // Adam's step is not η·gradient: no learning rate for the stability margin.
            return (loss.item<float>(), double.NaN);
        }, new SpectralProbeOptions { Method = ProbeMethod.Lanczos, LanczosSteps = settings.LanczosSteps, FrontierEnergyFraction = settings.EnergyFraction,
            Frontier = { MinimumOccupancy = settings.MinimumOccupancy } });
        return new Architecture("transformer", history);
    }
}
