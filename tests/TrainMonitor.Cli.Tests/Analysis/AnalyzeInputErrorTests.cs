using CheckpointModels;
using TrainMonitor.Cli.Commands;
using TrainMonitor.Cli.Tests.Checkpoints;

namespace TrainMonitor.Cli.Tests.Analysis;

/// <summary>
/// Every way a person can get analyze wrong stops it before probing, with one line on standard error that names the flag
/// or the file and says what to do instead, and exit code 2.
/// </summary>
public sealed class AnalyzeInputErrorTests
{
    private static string Tokens => CheckpointFixtures.PathOf("tokens", "probe.bin");

    private static string ModelAssembly => typeof(TinyTransformer).Assembly.Location;

    public static TheoryData<string[], string> Mistakes() => new()
    {
        {
            ["analyze", CheckpointFixtures.PathOf("transformer", "torchscript"), "--model-type", nameof(TinyTransformer), "--model-assembly", ModelAssembly,
                "--tokens", Tokens, "--context", "16"],
            "is a TorchScript module, which carries its own architecture: leave out --model-type and --model-assembly"
        },
        {
            ["analyze", CheckpointFixtures.PathOf("transformer", "pytorch"), "--tokens", Tokens, "--context", "16"],
            "step-000025.pth is a PyTorch state dict, not a TorchScript module: give the model's type with --model-type and --model-assembly"
        },
        {
            ["analyze", CheckpointFixtures.PathOf("transformer", "pytorch"), "--model-type", "NoSuchModel", "--model-assembly", ModelAssembly, "--tokens", Tokens, "--context", "16"],
            "--model-type NoSuchModel: no such type in"
        },
        {
            ["analyze", CheckpointFixtures.PathOf("transformer", "pytorch"), "--model-type", nameof(TinyTransformer), "--tokens", Tokens, "--context", "16"],
            "--model-type and --model-assembly go together"
        },
        {
            ["analyze", CheckpointFixtures.PathOf("transformer", "torchscript"), "--tokens", Tokens],
            "--tokens needs --context T"
        },
        {
            ["analyze", CheckpointFixtures.PathOf("transformer", "torchscript"), "--tokens", Tokens, "--context", "16", "--batches", "5000"],
            "holds 20000 ids, but 5000 batches of 16 windows of 16 + 1 tokens need 1360000"
        },
        {
            ["analyze", CheckpointFixtures.PathOf("transformer", "torchscript"), "--tokens", Tokens, "--context", "16", "--error", "squared"],
            "--error squared needs real-valued targets"
        },
        {
            ["analyze", CheckpointFixtures.PathOf("transformer", "torchscript"), "--tokens", Tokens, "--context", "16", "--error", "surprisal"],
            "The model of step-000025.pt and the probe data do not fit --error surprisal: Error function 'cross_entropy' expects logits of shape [N, C]"
        },
        {
            ["analyze", CheckpointFixtures.PathOf("transformer", "torchscript"), "--tokens", Tokens, "--context", "16", "--threads", "-1"],
            "--threads must be 0 (libtorch's default) or a positive number of threads"
        },
        {
            ["analyze", CheckpointFixtures.PathOf("transformer", "torchscript"), "--tokens", Tokens, "--context", "16", "--lanczos-steps", "50,50"],
            "--lanczos-steps '50,50' names 50 twice"
        },
        {
            ["analyze", CheckpointFixtures.PathOf("transformer", "torchscript"), "--tokens", Tokens, "--context", "16", "--lanczos-steps", "50,1"],
            "'1' is not a whole number of at least 2"
        },
        {
            ["analyze", CheckpointFixtures.PathOf("transformer", "torchscript"), "--tokens", Tokens, "--context", "16", "--lanczos-steps", "50,100", "--method", "exact"],
            "--lanczos-steps lists 2 depths, but --method exact computes the exact spectrum"
        },
        {
            ["analyze", CheckpointFixtures.PathOf("transformer", "torchscript"), "--tokens", Tokens, "--context", "16", "--steps", "1,2"],
            "2 steps were given for 5 checkpoint files"
        },
        {
            ["analyze", CheckpointFixtures.PathOf("tokens"), "--tokens", Tokens, "--context", "16"],
            "No step number in the name of"
        },
        {
            ["analyze", CheckpointFixtures.PathOf("transformer", "torchscript"), "--inputs", CheckpointFixtures.PathOf("regression", "data", "inputs.dat")],
            "--inputs and --targets go together"
        },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task A_mistake_stops_analyze_with_one_line_saying_what_to_do(string[] args, string expected)
    {
        using var dir = new TemporaryDirectory();
        var result = await CliRunner.RunAsync([.. args, "--output", dir.Path]);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.StartsWith("trainmonitor-analyze: error: ", result.Error);
        Assert.Contains(expected, result.Error);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.False(File.Exists(Path.Combine(dir.Path, "analysis.json")), "nothing is written before the inputs are checked");
    }
}
