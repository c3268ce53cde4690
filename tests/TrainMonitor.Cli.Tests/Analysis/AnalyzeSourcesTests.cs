using CheckpointModels;
using TrainMonitor.Cli.Tests.Checkpoints;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.JsonLines;

namespace TrainMonitor.Cli.Tests.Analysis;

/// <summary>
/// The model sources and data forms analyze takes give the same probes wherever they hold the same weights and examples:
/// TorchScript against the TorchSharp type with PyTorch state dicts, TorchSharp format against safetensors, binary
/// against text tokens.
/// </summary>
public sealed class AnalyzeSourcesTests
{
    private static string ModelAssembly => typeof(TinyTransformer).Assembly.Location;

    [Fact]
    public async Task PyTorch_state_dicts_in_the_TorchSharp_type_give_the_TorchScript_series_shell_energies_to_round_off()
    {
        using var dir = new TemporaryDirectory();
        string[] common = ["--tokens", CheckpointFixtures.PathOf("tokens", "probe.bin"), "--context", "16", "--batch-size", "4", "--batches", "2",
            "--dtype", "float64", "--method", "exact", "--sketch-vectors", "0", "--output", dir.Path];
        var script = await RunAsync(dir, "script", ["analyze", CheckpointFixtures.PathOf("transformer", "torchscript"), .. common]);
        var stateDicts = await RunAsync(dir, "statedict", ["analyze", CheckpointFixtures.PathOf("transformer", "pytorch"),
            "--model-type", typeof(TinyTransformer).FullName!, "--model-assembly", ModelAssembly, .. common]);

        // Same weights, same kernels, float64: the tolerance of AnalyzeAgainstLivePathTests (1e-10 of the error energy).
        Assert.Equal(5, script.Count);
        foreach (var (a, b) in script.Zip(stateDicts))
        {
            Assert.Equal(a.Step, b.Step);
            Assert.Equal(a.Shells.Select(s => s.Index), b.Shells.Select(s => s.Index));
            Assert.All(a.Shells.Zip(b.Shells), p => Assert.True(Math.Abs(p.First.Estimate - p.Second.Estimate) <= 1e-10 * a.ErrorEnergy,
                $"step {a.Step}, shell {p.First.Index}: {p.First.Estimate:R} against {p.Second.Estimate:R}"));
        }
    }

    [Fact]
    public async Task TorchSharp_state_dicts_and_their_safetensors_twins_give_identical_probes_on_saved_tensors()
    {
        using var dir = new TemporaryDirectory();
        string[] common = ["--model-type", nameof(RegressionMlp), "--model-assembly", ModelAssembly,
            "--inputs", CheckpointFixtures.PathOf("regression", "data", "inputs.dat"), "--targets", CheckpointFixtures.PathOf("regression", "data", "targets.dat"),
            "--batch-size", "64", "--batches", "2", "--lanczos-steps", "12", "--method", "lanczos", "--output", dir.Path];
        var torchSharp = await RunAsync(dir, "dat", ["analyze", CheckpointFixtures.PathOf("regression", "torchsharp"), .. common]);
        var safetensors = await RunAsync(dir, "st", ["analyze", CheckpointFixtures.PathOf("regression", "safetensors"), "--format", "safetensors", .. common]);

        // The same float32 parameters (the fixture tests check the files bit for bit) through the same code: the same bits.
        Assert.Equal(5, torchSharp.Count);
        foreach (var (a, b) in torchSharp.Zip(safetensors))
        {
            Assert.Equal(a.ErrorEnergy, b.ErrorEnergy);
            Assert.Equal(a.Shells.Select(s => (s.Index, s.Estimate, s.Lower, s.Upper)), b.Shells.Select(s => (s.Index, s.Estimate, s.Lower, s.Upper)));
        }

        // Squared error is the default with --inputs, over every output: 128 examples × 1 output per batch.
        Assert.Equal(128, torchSharp[0].ErrorEntries);
    }

    [Fact]
    public async Task Text_and_binary_token_files_holding_the_same_ids_give_identical_probes()
    {
        using var dir = new TemporaryDirectory();
        string[] common = ["--context", "8", "--error", "surprisal", "--batch-size", "32", "--batches", "1", "--lanczos-steps", "10",
            "--sketch-vectors", "0", "--output", dir.Path];
        var checkpoint = CheckpointFixtures.TorchScript("mlp", 400);
        var binary = await RunAsync(dir, "bin", ["analyze", checkpoint, "--tokens", CheckpointFixtures.PathOf("tokens", "probe.bin"), .. common]);
        var text = await RunAsync(dir, "txt", ["analyze", checkpoint, "--tokens", CheckpointFixtures.PathOf("tokens", "probe.txt"), .. common]);

        Assert.Equal(binary[0].Shells.Select(s => (s.Index, s.Estimate)), text[0].Shells.Select(s => (s.Index, s.Estimate)));
        Assert.Equal(32, binary[0].ErrorEntries);
    }

    private static async Task<IReadOnlyList<ProbeSnapshot>> RunAsync(TemporaryDirectory dir, string name, string[] args)
    {
        var result = await CliRunner.RunAsync([.. args, "--name", name]);
        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        return (await JsonLinesReader.ReadFileAsync(dir.File(name + ".jsonl"), CancellationToken.None)).Snapshots;
    }
}
