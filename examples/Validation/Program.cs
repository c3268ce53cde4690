using System.Diagnostics;
using TorchSharp;
using Validation.Cases;
using Validation.Reporting;
using Validation.Scenarios;

// dotnet run -c Release --project examples/Validation -- linear|lazyrich|realdata|lanczos|all
// dotnet run -c Release --project examples/Validation -- scenarios [--holdout] [--only NAME-SUBSTRING] (the regime benchmark; not in all)
// options for the linear case's sweeps: --shell-ratio q, --lanczos-steps m; for linear, lazyrich and realdata:
// --energy-fraction p (the quantile frontier's fraction of energy above it, Probe:FrontierEnergyFraction) and
// --minimum-occupancy k (nodes per batch a top shell needs to take part in the fit, Probe:Frontier:MinimumOccupancy)
double OptionValue(string name, double fallback) =>
    Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
var energyFraction = OptionValue("--energy-fraction", TrainMonitor.Frontier.QuantileFrontier.DefaultEnergyFraction);
var minimumOccupancy = OptionValue("--minimum-occupancy", new TrainMonitor.Frontier.FrontierFitOptions().MinimumOccupancy);
string? OptionText(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
var known = new[] { "linear", "lazyrich", "realdata", "lanczos" };
// Run only when asked by name: the scenario benchmark scores the regime tracker and takes minutes, so all stays as it was.
var separate = new[] { "scenarios" };
var requested = args.Length == 0 ? "all" : args[0].ToLowerInvariant();
if (requested != "all" && !known.Contains(requested) && !separate.Contains(requested))
{
    Console.Error.WriteLine($"Unknown case '{args[0]}'. Use one of: {string.Join(", ", known.Concat(separate))}, all.");
    return 2;
}

// One intra-op thread: these models are small, and on a shared 2-core machine two OpenMP threads that wait on each
// other at every barrier made the same case up to 25× slower (measured: realdata 572 s with 2 threads under load).
torch.set_num_threads(int.TryParse(Environment.GetEnvironmentVariable("VALIDATION_THREADS"), out var threads) && threads > 0 ? threads : 1);
var artifacts = ArtifactDirectory.Resolve();
var results = new ValidationResults();
var total = Stopwatch.StartNew();
var trailingLines = new List<string>();
foreach (var name in requested == "all" ? known : [requested])
{
    var watch = Stopwatch.StartNew();
    switch (name)
    {
        case "linear":
            new LinearPowerLawCase(new LinearPowerLawCase.Settings(ShellRatio: OptionValue("--shell-ratio", 2), LanczosSteps: (int)OptionValue("--lanczos-steps", 64), EnergyFraction: energyFraction, MinimumOccupancy: minimumOccupancy)).Run(artifacts, results, Console.Out);
            break;
        case "realdata":
            new RealDataCase(new RealDataCase.Settings(EnergyFraction: energyFraction, MinimumOccupancy: minimumOccupancy)).Execute(artifacts, results, Console.Out);
            break;
        case "lanczos":
            new LanczosDepthCase(new LanczosDepthCase.Settings()).Execute(artifacts, results, Console.Out);
            break;
        case "lazyrich":
            new LazyRichCase(new LazyRichCase.Settings(EnergyFraction: energyFraction, MinimumOccupancy: minimumOccupancy)).Execute(artifacts, results, Console.Out);
            break;
        case "scenarios":
            var bySchedule = new ScenarioBenchmark(new ScenarioBenchmark.Settings(Holdout: args.Contains("--holdout"), Only: OptionText("--only")))
                .Execute(artifacts, results, Console.Out);
            trailingLines.Add(bySchedule.ToResultLine("RESULT_BY_SCHEDULE"));
            break;
    }

    Console.WriteLine($"[{name}: {watch.Elapsed.TotalSeconds:0} s]");
    Console.WriteLine();
}

Console.WriteLine($"plots: {artifacts}");
results.Set("seconds", Math.Round(total.Elapsed.TotalSeconds));
Console.WriteLine(results.ToResultLine());
foreach (var line in trailingLines)
{
    Console.WriteLine(line);
}

return 0;
