using System.CommandLine;
using Spectre.Console;
using TrainMonitor.Cli.Analysis;
using TrainMonitor.Cli.Analysis.Models;
using TrainMonitor.Cli.Runs;
using TrainMonitor.Probing;
using static TorchSharp.torch;

namespace TrainMonitor.Cli.Commands;

/// <summary>
/// <c>trainmonitor-analyze &lt;checkpoints…&gt; (--tokens FILE --context T | --inputs FILE --targets FILE) […]</c>: the
/// spectral protocol on a series of saved checkpoints (docs/analyze.md). The root command of its own tool, which
/// carries libtorch; the light <c>trainmonitor</c> tool only reads runs.
/// </summary>
internal static class AnalyzeCommand
{
    /// <summary>
    /// Parses and runs <paramref name="args"/> (the entry point tests call in-process). Tables and progress go to
    /// <paramref name="console"/>; help, parse errors and the tool's error messages to <paramref name="output"/> and
    /// <paramref name="error"/>; the RESULT lines to <paramref name="output"/>.
    /// </summary>
    public static Task<int> InvokeAsync(string[] args, IAnsiConsole console, TextWriter output, TextWriter error, CancellationToken ct = default) =>
        Create(console).Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, ct);

    /// <summary>Builds the root command; tables and progress go to <paramref name="console"/>.</summary>
    public static RootCommand Create(IAnsiConsole console)
    {
        var checkpoints = new Argument<string[]>("checkpoints")
        {
            Description = "Checkpoint files, or folders of them (.pt .pth .bin .ckpt .safetensors .dat). The step is the last number in each " +
                          "file's name (step-001000.pt), else in its folder's name, unless --steps says otherwise.",
            Arity = ArgumentArity.OneOrMore,
        };
        var modelType = new Option<string?>("--model-type")
        {
            Description = "A TorchSharp nn.Module<Tensor, Tensor> type with a public parameterless constructor, into which each checkpoint's " +
                          "state dict is loaded. Without it the checkpoints are TorchScript modules (torch.jit.script(model).save(path)).",
            HelpName = "TYPE",
        };
        var modelAssembly = new Option<string?>("--model-assembly") { Description = "The .dll that defines --model-type.", HelpName = "DLL" };
        var format = new Option<string>("--format")
        {
            Description = "State-dict format with --model-type: torchsharp (module.save), pytorch (torch.save(model.state_dict())), safetensors, " +
                          "or auto (by each file's content).",
            DefaultValueFactory = _ => "auto",
        }.AcceptOnlyFromAmong(AnalyzeSettings.Formats);
        var steps = new Option<string?>("--steps") { Description = "The checkpoints' steps, one per file in the order given (folders in name order), e.g. 1000,2000,4000.", HelpName = "LIST" };
        var dtype = new Option<string>("--dtype")
        {
            Description = "Probe the model in this dtype (checkpoint: as saved). float64 makes the operator exact to double round-off.",
            DefaultValueFactory = _ => "checkpoint",
        }.AcceptOnlyFromAmong(AnalyzeSettings.Dtypes);
        var tokens = new Option<string?>("--tokens") { Description = "Token ids: binary (see --token-format) or text (.txt, whitespace-separated).", HelpName = "FILE" };
        var tokenFormat = new Option<string>("--token-format")
        {
            Description = "Element type of a binary token file (uint16: GPT-NeoX/Pythia .bin), or text; auto: text for .txt, uint16 otherwise.",
            DefaultValueFactory = _ => "auto",
        }.AcceptOnlyFromAmong(Analysis.Data.TokenFile.Formats);
        var context = new Option<int?>("--context") { Description = "Tokens per input window (windows of T + 1 tokens, not overlapping).", HelpName = "T" };
        var inputs = new Option<string?>("--inputs") { Description = "Probe inputs saved with TorchSharp (torch.save(tensor, path)), examples along dimension 0.", HelpName = "FILE" };
        var targets = new Option<string?>("--targets") { Description = "Probe targets saved with TorchSharp.", HelpName = "FILE" };
        var error = new Option<string?>("--error")
        {
            Description = "token-surprisal (logits [N, T, V]), surprisal (logits [N, C], one target per example: with --tokens the token after " +
                          "the window) or squared (output − target). Default: token-surprisal with --tokens, squared with --inputs.",
        }.AcceptOnlyFromAmong(ErrorKind.All);
        var batchSize = new Option<int>("--batch-size") { Description = "Examples (windows) per probe batch.", DefaultValueFactory = _ => 16 };
        var batches = new Option<int>("--batches") { Description = "Probe batches B: the profile is their average, and their spread is reported.", DefaultValueFactory = _ => 4 };
        var lanczos = new Option<string>("--lanczos-steps")
        {
            Description = "Lanczos depth m, or a list for the depth sweep (e.g. 50,100,200): the whole series is probed at each.",
            DefaultValueFactory = _ => "64",
            HelpName = "M[,M…]",
        };
        var method = new Option<string>("--method")
        {
            Description = "auto (exact Gram spectrum where the model's layers allow it, else Lanczos; TorchScript modules take Lanczos), lanczos, " +
                          "exact (explicit Jacobian and eigh), or gram.",
            DefaultValueFactory = _ => "auto",
        }.AcceptOnlyFromAmong(AnalyzeSettings.Methods);
        var shellRatio = new Option<double>("--shell-ratio") { Description = "Ratio q of the shell grid λ_α = q^α.", DefaultValueFactory = _ => 2.0 };
        var sketch = new Option<int>("--sketch-vectors") { Description = "Kernel-sketch vectors per batch (0: no kernel distance between checkpoints).", DefaultValueFactory = _ => 8 };
        var output = new Option<string?>("--output", "-o") { Description = "Output directory (default: <name>-analysis in the current directory).", HelpName = "DIR" };
        var name = new Option<string?>("--name") { Description = "Name of the analysis (default: the first checkpoint's folder).", HelpName = "NAME" };
        var threads = new Option<int>("--threads")
        {
            Description = "libtorch intra-op threads (0: libtorch's own default, one per core). The default, 1, is measured in docs/analyze.md: " +
                          "as fast on an idle 2-core machine and many times faster on a busy one, where more threads than free cores thrash.",
            DefaultValueFactory = _ => 1,
        };
        var tensorBoard = new Option<string?>("--tensorboard") { Description = "Also write every probe as TensorBoard scalars into this log directory.", HelpName = "DIR" };

        var command = new RootCommand(
            $"{ToolNames.Analyze}: run the spectral protocol on a series of saved checkpoints: per checkpoint the shell profile averaged over B probe batches " +
            "with its spread, both frontiers, the fit and the unimodality verdict; across checkpoints the frontier's displacement against " +
            "ln t, at one or several Lanczos depths.")
        {
            checkpoints, modelType, modelAssembly, format, steps, dtype, tokens, tokenFormat, context, inputs, targets, error, batchSize, batches,
            lanczos, method, shellRatio, sketch, output, name, tensorBoard, threads,
        };
        command.SetAction((parseResult, ct) => CommandErrors.RunAsync(parseResult, async () =>
        {
            var paths = parseResult.GetRequiredValue(checkpoints);
            var runName = parseResult.GetValue(name) ?? DefaultName(paths[0]);
            var settings = new AnalyzeSettings
            {
                Checkpoints = paths,
                ModelType = parseResult.GetValue(modelType),
                ModelAssembly = parseResult.GetValue(modelAssembly),
                Format = parseResult.GetValue(format) switch
                {
                    "torchsharp" => CheckpointFormat.TorchSharp,
                    "pytorch" => CheckpointFormat.PyTorch,
                    "safetensors" => CheckpointFormat.Safetensors,
                    _ => null,
                },
                Steps = parseResult.GetValue(steps) is { } stepText ? AnalyzeSettings.ParseSteps(stepText) : null,
                Dtype = parseResult.GetValue(dtype) switch
                {
                    "float32" => ScalarType.Float32,
                    "float64" => ScalarType.Float64,
                    _ => null,
                },
                Tokens = parseResult.GetValue(tokens),
                TokenFormat = parseResult.GetRequiredValue(tokenFormat),
                Context = parseResult.GetValue(context),
                Inputs = parseResult.GetValue(inputs),
                Targets = parseResult.GetValue(targets),
                Error = parseResult.GetValue(error) ?? (parseResult.GetValue(tokens) is null ? ErrorKind.Squared : ErrorKind.TokenSurprisal),
                BatchSize = parseResult.GetValue(batchSize),
                Batches = parseResult.GetValue(batches),
                LanczosSteps = AnalyzeSettings.ParseDepths(parseResult.GetRequiredValue(lanczos)),
                Method = ProbeMethodNames.Parse(parseResult.GetRequiredValue(method)),
                ShellRatio = parseResult.GetValue(shellRatio),
                SketchVectors = parseResult.GetValue(sketch),
                Output = parseResult.GetValue(output) ?? $"{runName}-analysis",
                Name = runName,
                TensorBoard = parseResult.GetValue(tensorBoard),
            };
            settings.Validate();
            var threadCount = parseResult.GetValue(threads);
            if (threadCount < 0)
            {
                throw new RunInputException($"--threads must be 0 (libtorch's default) or a positive number of threads, not {threadCount}.");
            }

            if (threadCount > 0)
            {
                set_num_threads(threadCount);
            }

            return await AnalyzeRun.ExecuteAsync(console, parseResult.InvocationConfiguration.Output, settings, ct).ConfigureAwait(false);
        }, ToolNames.Analyze));
        return command;
    }

    /// <summary>The folder a checkpoint (or a folder of them) sits in, as a name.</summary>
    private static string DefaultName(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        var folder = Directory.Exists(full) ? full : Path.GetDirectoryName(full);
        var name = Path.GetFileName(folder);
        return string.IsNullOrEmpty(name) ? "checkpoints" : name;
    }
}
