using TrainMonitor.Cli.Tests.Checkpoints;
using TrainMonitor.Errors;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.JsonLines;
using TrainMonitor.Probing;

namespace TrainMonitor.Cli.Tests.Analysis;

/// <summary>
/// The acceptance test: <c>trainmonitor-analyze</c> on the TorchScript checkpoints agrees, shell by shell, with the
/// live monitor probing the equivalent TorchSharp model — to round-off on the exact path, within the certified bounds on
/// Lanczos.
/// </summary>
/// <remarks>
/// Both sides run in float64 (<c>--dtype float64</c> / <c>.to(float64)</c>). The two forward passes are the same libtorch
/// kernels on the same weights; the fixture tests measured logits equal to ≤ 3 ulps (6e-15 at |logit| 8.5). The Jacobians,
/// hence M, then agree to a relative 1e-14 or so, which moves each eigenvalue by about 1e-14·λ_max and the weight a
/// shell collects by about as much of the error energy E; a shell can lose an eigenvalue to its neighbour only if one lies
/// within that distance of an edge q^α, which for a few hundred eigenvalues has a probability near 1e-11. So shell
/// energies are compared with a tolerance of 1e-10·E: four decades above the round-off, twelve below any real difference.
/// </remarks>
public sealed class AnalyzeAgainstLivePathTests
{
    private static readonly int[] Steps = [25, 50, 100, 200, 400];

    private const double Float64Epsilon = 2.220446049250313e-16;

    public static TheoryData<string, string, int> Models() => new()
    {
        // model, --error, context
        { "transformer", "token-surprisal", 16 },
        { "mlp", "surprisal", 8 },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public async Task On_the_exact_path_analyze_of_the_TorchScript_series_gives_the_live_paths_shell_energies_to_round_off(string model, string error, int context)
    {
        var (batchSize, batches) = model == "transformer" ? (4, 2) : (32, 2);
        using var dir = new TemporaryDirectory();
        var analyzed = await AnalyzeAsync(dir, model, error, context, batchSize, batches, "--method", "exact");
        using var probe = LivePathProbe.TokenWindows(context, error == "token-surprisal", batchSize, batches);
        var live = await LivePathProbe.RunAsync(model, Steps, probe, ErrorFunction(error), new SpectralProbeOptions { Method = ProbeMethod.Exact, SketchVectors = 0 });

        Assert.Equal(Steps.Select(s => (long)s), analyzed.Select(s => s.Step));
        Assert.Equal(Steps.Select(s => (long)s), live.Select(s => s.Step));
        foreach (var (a, l) in analyzed.Zip(live))
        {
            Assert.All(a.ProbeMethods, m => Assert.Equal(ProbeMethod.Exact, m));
            var tolerance = 1e-10 * l.ErrorEnergy;
            Assert.Equal(l.ErrorEnergy, a.ErrorEnergy, tolerance);
            Assert.Equal(l.Shells.Select(s => s.Index), a.Shells.Select(s => s.Index));
            foreach (var (sa, sl) in a.Shells.Zip(l.Shells))
            {
                Assert.True(Math.Abs(sa.Estimate - sl.Estimate) <= tolerance,
                    $"step {a.Step}, shell {sa.Index}: analyze {sa.Estimate:R}, live {sl.Estimate:R} (tolerance {tolerance:g3})");
            }

            Assert.Equal(l.Frontier.Lambda, a.Frontier.Lambda, 1e-9 * l.Frontier.Lambda);
        }
    }

    [Fact]
    public async Task On_Lanczos_analyze_and_the_live_path_each_hold_the_exact_shell_energies_and_each_others_estimates_within_their_certified_bounds()
    {
        const string model = "transformer";
        const int context = 16, batchSize = 4, batches = 2, depth = 24;
        using var dir = new TemporaryDirectory();
        var exact = await AnalyzeAsync(dir, model, "token-surprisal", context, batchSize, batches, "--method", "exact", "--name", "exact");
        var lanczos = await AnalyzeAsync(dir, model, "token-surprisal", context, batchSize, batches, "--method", "lanczos", "--lanczos-steps",
            depth.ToString(System.Globalization.CultureInfo.InvariantCulture), "--name", "lanczos");
        using var probe = LivePathProbe.TokenWindows(context, perToken: true, batchSize, batches);
        var live = await LivePathProbe.RunAsync(model, Steps, probe, ErrorFunctions.CrossEntropyPerToken,
            new SpectralProbeOptions { Method = ProbeMethod.Lanczos, LanczosSteps = depth, SketchVectors = 0 });

        var checkedShells = 0;
        foreach (var ((e, a), l) in exact.Zip(lanczos).Zip(live))
        {
            Assert.All(a.ProbeMethods, m => Assert.Equal(ProbeMethod.Lanczos, m));
            // Certified for the float64 operator as computed: a slack of round-off only (64 ε₆₄ of the error energy).
            var slack = 64 * Float64Epsilon * e.ErrorEnergy;
            foreach (var shell in e.Shells)
            {
                var inAnalyze = a.Shells.FirstOrDefault(s => s.Index == shell.Index);
                var inLive = l.Shells.FirstOrDefault(s => s.Index == shell.Index);
                Assert.True(inAnalyze is not null || shell.Estimate <= slack, $"step {e.Step}: shell {shell.Index} holds {shell.Estimate:g3} but is outside analyze's profile");
                if (inAnalyze is null || inLive is null)
                {
                    continue;
                }

                Within(shell.Estimate, inAnalyze, slack, $"step {e.Step}, shell {shell.Index}: exact energy in analyze's Lanczos bounds");
                Within(shell.Estimate, inLive, slack, $"step {e.Step}, shell {shell.Index}: exact energy in the live Lanczos bounds");
                Within(inAnalyze.Estimate, inLive, slack, $"step {e.Step}, shell {shell.Index}: analyze's estimate in the live bounds");
                Within(inLive.Estimate, inAnalyze, slack, $"step {e.Step}, shell {shell.Index}: the live estimate in analyze's bounds");
                checkedShells++;
            }
        }

        Assert.True(checkedShells >= 5 * 4, $"only {checkedShells} shells compared");
    }

    private static void Within(double value, ShellSnapshot bounds, double slack, string what) =>
        Assert.True(value >= bounds.Lower - slack && value <= bounds.Upper + slack,
            $"{what}: {value:R} not in [{bounds.Lower:R}, {bounds.Upper:R}] ± {slack:g3}");

    private static ErrorFunction ErrorFunction(string error) => error == "token-surprisal" ? ErrorFunctions.CrossEntropyPerToken : ErrorFunctions.CrossEntropy;

    /// <summary>Runs analyze on the TorchScript series in float64 without a kernel sketch and reads back its JSON lines.</summary>
    private static async Task<IReadOnlyList<ProbeSnapshot>> AnalyzeAsync(TemporaryDirectory dir, string model, string error, int context, int batchSize,
        int batches, params string[] extra)
    {
        var name = extra.SkipWhile(a => a != "--name").Skip(1).FirstOrDefault() ?? model;
        string[] args =
        [
            "analyze", CheckpointFixtures.PathOf(model, "torchscript"),
            "--tokens", CheckpointFixtures.PathOf("tokens", "probe.bin"), "--context", $"{context}", "--error", error,
            "--batch-size", $"{batchSize}", "--batches", $"{batches}", "--dtype", "float64", "--sketch-vectors", "0",
            "--output", dir.Path, .. extra.Contains("--name") ? extra : [.. extra, "--name", name],
        ];
        var result = await CliRunner.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        var read = await JsonLinesReader.ReadFileAsync(Path.Combine(dir.Path, name + ".jsonl"), CancellationToken.None);
        return read.Snapshots;
    }
}
