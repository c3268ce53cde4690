using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Probing;
using Validation.Analysis;
using Validation.Data;
using Validation.Models;
using Validation.Plotting;
using Validation.Reporting;
using static TorchSharp.torch;

namespace Validation.Cases;

/// <summary>
/// Case 4: Lanczos depth. The same checkpoints — the linear power-law model (a = 2, b = 2.5, the widest spectrum of
/// case 1) and the digits MLP — probed with m ∈ {16, 32, 64, 128} and with the exact method as reference: shell-energy
/// error, certified bound widths and the frontier as m grows.
/// </summary>
internal sealed class LanczosDepthCase(LanczosDepthCase.Settings settings)
{
    public sealed record Settings(IReadOnlyList<int>? Depths = null, IReadOnlyList<int>? LinearCheckpoints = null, IReadOnlyList<int>? MlpCheckpoints = null,
        int Seed = 7)
    {
        public IReadOnlyList<int> DepthValues => Depths ?? [16, 32, 64, 128];
        public IReadOnlyList<int> LinearSteps => LinearCheckpoints ?? [16, 128, 1024];
        public IReadOnlyList<int> MlpSteps => MlpCheckpoints ?? [16, 128, 512];
    }

    /// <summary>One checkpoint probed at one depth (m = 0 stands for the exact method).</summary>
    public sealed record Probe(string Model, int Step, int Depth, double ShellError, double MedianBoundWidth, double MaxBoundWidth, double Frontier,
        double TailExponent, string? Reason);

    public IReadOnlyList<Probe> Execute(string? artifacts, ValidationResults results, TextWriter output)
    {
        var probes = new List<Probe>();
        probes.AddRange(LinearCheckpoints());
        probes.AddRange(MlpCheckpoints());
        var table = new TextTable("model", "step", "m", "Σ|E_m − E_exact|/E", "median width/E", "max width/E", "λ_f", "s", "why undetermined");
        foreach (var p in probes)
        {
            table.Add(p.Model, p.Step, p.Depth == 0 ? "exact" : p.Depth, p.ShellError, p.MedianBoundWidth, p.MaxBoundWidth, p.Frontier, p.TailExponent, p.Reason ?? "");
        }

        output.WriteLine("Case 4 — Lanczos depth: the same checkpoints probed with m = 16, 32, 64, 128 and exactly");
        output.WriteLine(table);
        var pairs = probes.Where(p => p.Depth == 64)
            .Select(p => (At64: p, At128: probes.Single(q => q.Model == p.Model && q.Step == p.Step && q.Depth == 128)))
            .Where(p => double.IsFinite(p.At64.Frontier) && double.IsFinite(p.At128.Frontier)).ToArray();
        results.Set("frontier_rel_change_64_128", pairs.Length == 0 ? double.NaN : pairs.Max(p => Math.Abs(p.At64.Frontier / p.At128.Frontier - 1)));
        results.Set("median_bound_width_64", Statistics.Median(probes.Where(p => p.Depth == 64).Select(p => p.MedianBoundWidth)));
        results.Set("shell_error_64", probes.Where(p => p.Depth == 64).Max(p => p.ShellError));

        if (artifacts is not null)
        {
            var depths = settings.DepthValues.Select(m => (double)m).ToArray();
            var keys = probes.Select(p => (p.Model, p.Step)).Distinct().ToArray();
            LogLogChart.Save(Path.Combine(artifacts, "lanczos_shell_error.png"), "Shell-energy error against the exact measure, by Lanczos depth m", "m",
                "Σ|E_m − E_exact| / E", keys.Select(k => new ChartSeries($"{k.Model} t={k.Step}", depths,
                    settings.DepthValues.Select(m => probes.Single(p => p.Model == k.Model && p.Step == k.Step && p.Depth == m).ShellError).ToArray())));
            LogLogChart.Save(Path.Combine(artifacts, "lanczos_bound_width.png"), "Median certified bound width per shell, by Lanczos depth m", "m",
                "median (upper − lower) / E", keys.Select(k => new ChartSeries($"{k.Model} t={k.Step}", depths,
                    settings.DepthValues.Select(m => probes.Single(p => p.Model == k.Model && p.Step == k.Step && p.Depth == m).MedianBoundWidth).ToArray())));
        }

        return probes;
    }

    private IEnumerable<Probe> LinearCheckpoints()
    {
        using var problem = new PowerLawRegression(1024, 2.0, 2.5, settings.Seed);
        using var model = problem.CreateModel();
        using var probe = ProbeSet.FromTensors(problem.ProbeInput, problem.ProbeTarget, 1024);
        using var optimizer = optim.SGD(model.parameters(), 0.5);
        var results = new List<Probe>();
        for (var step = 1; step <= settings.LinearSteps.Max(); step++)
        {
            using (NewDisposeScope())
            {
                optimizer.zero_grad();
                problem.Loss(model).backward();
                optimizer.step();
            }

            if (settings.LinearSteps.Contains(step))
            {
                results.AddRange(ProbeAllDepths("linear", step, model, probe, ErrorFunctions.SquaredError));
            }
        }

        return results;
    }

    private IEnumerable<Probe> MlpCheckpoints()
    {
        var digits = DigitsDataset.Load(DigitsDataset.DefaultPath());
        var order = Enumerable.Range(0, digits.Count).ToArray();
        new Random(settings.Seed).Shuffle(order);
        var (px, py) = digits.Take(order[..256]);
        var (tx, ty) = digits.Take(order[256..]);
        using var probe = ProbeSet.FromTensors(px, py, 256);
        px.Dispose();
        py.Dispose();
        manual_seed(settings.Seed);
        using var model = new DigitsMlp();
        using var optimizer = optim.SGD(model.parameters(), 0.02, momentum: 0.9);
        var random = new Random(settings.Seed);
        var results = new List<Probe>();
        for (var step = 1; step <= settings.MlpSteps.Max(); step++)
        {
            using (NewDisposeScope())
            {
                var index = tensor(Enumerable.Range(0, 64).Select(_ => (long)random.Next((int)tx.shape[0])).ToArray());
                optimizer.zero_grad();
                nn.functional.cross_entropy(model.call(tx[index]), ty[index]).backward();
                optimizer.step();
            }

            if (settings.MlpSteps.Contains(step))
            {
                results.AddRange(ProbeAllDepths("mlp", step, model, probe, ErrorFunctions.CrossEntropy));
            }
        }

        tx.Dispose();
        ty.Dispose();
        return results;
    }

    private IEnumerable<Probe> ProbeAllDepths(string name, int step, nn.Module<Tensor, Tensor> model, ProbeSet probe, ErrorFunction error)
    {
        using var scope = NewDisposeScope();
        var exact = SpectralProbe.Run(model, probe.Batches, error, new SpectralProbeOptions { Method = ProbeMethod.Exact, SketchVectors = 0 });
        var reference = exact.Profile.Shells.ToDictionary(s => s.Index, s => s.Estimate);
        var total = exact.ErrorEnergy;
        var list = new List<Probe> { Summarise(name, step, 0, exact, reference, total) };
        foreach (var m in settings.DepthValues)
        {
            var result = SpectralProbe.Run(model, probe.Batches, error, new SpectralProbeOptions { Method = ProbeMethod.Lanczos, LanczosSteps = m, SketchVectors = 0 });
            list.Add(Summarise(name, step, m, result, reference, total));
        }

        return list;
    }

    private static Probe Summarise(string name, int step, int depth, SpectralProbeResult result, Dictionary<int, double> reference, double total)
    {
        var shells = result.Profile.Shells;
        var indices = shells.Select(s => s.Index).Union(reference.Keys);
        var estimates = shells.ToDictionary(s => s.Index, s => s.Estimate);
        var error = indices.Sum(i => Math.Abs(estimates.GetValueOrDefault(i) - reference.GetValueOrDefault(i)));
        var widths = shells.Select(s => (s.Upper - s.Lower) / total).ToArray();
        return new Probe(name, step, depth, error / total, Statistics.Median(widths), widths.Length == 0 ? double.NaN : widths.Max(),
            result.Frontier.Lambda, result.Frontier.TailExponent, result.Frontier.Reason);
    }
}
