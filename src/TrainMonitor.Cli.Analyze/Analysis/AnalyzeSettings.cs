using System.Globalization;
using TrainMonitor.Cli.Analysis.Models;
using TrainMonitor.Cli.Runs;
using TrainMonitor.Probing;
using TrainMonitor.Shells;
using static TorchSharp.torch;

namespace TrainMonitor.Cli.Analysis;

/// <summary>The analyze command's settings as parsed, each checked against its range with the flag named in the message.</summary>
internal sealed record AnalyzeSettings
{
    public required IReadOnlyList<string> Checkpoints { get; init; }

    public string? ModelType { get; init; }

    public string? ModelAssembly { get; init; }

    /// <summary>The state-dict format; null: told by each file's content.</summary>
    public CheckpointFormat? Format { get; init; }

    public IReadOnlyList<long>? Steps { get; init; }

    /// <summary>The dtype the model (and floating data) is converted to; null keeps the checkpoint's.</summary>
    public ScalarType? Dtype { get; init; }

    public string? Tokens { get; init; }

    public string TokenFormat { get; init; } = "auto";

    public int? Context { get; init; }

    public string? Inputs { get; init; }

    public string? Targets { get; init; }

    public required string Error { get; init; }

    public int BatchSize { get; init; } = 16;

    public int Batches { get; init; } = 4;

    public IReadOnlyList<int> LanczosSteps { get; init; } = [64];

    public ProbeMethod Method { get; init; } = ProbeMethod.Auto;

    public double ShellRatio { get; init; } = 2;

    public int SketchVectors { get; init; } = 8;

    public required string Output { get; init; }

    public required string Name { get; init; }

    public string? TensorBoard { get; init; }

    /// <summary>Values of <c>--format</c>.</summary>
    public static readonly string[] Formats = ["auto", "torchsharp", "pytorch", "safetensors"];

    /// <summary>Values of <c>--dtype</c>.</summary>
    public static readonly string[] Dtypes = ["checkpoint", "float32", "float64"];

    /// <summary>Values of <c>--method</c>.</summary>
    public static readonly string[] Methods = ["auto", "lanczos", "exact", "gram"];

    /// <summary>
    /// Throws a <see cref="RunInputException"/> naming the flag for the first setting out of range or the first pair of
    /// flags that do not go together.
    /// </summary>
    public void Validate()
    {
        if ((ModelType is null) != (ModelAssembly is null))
        {
            throw new RunInputException("--model-type and --model-assembly go together: the type names the model, the assembly is where it is defined.");
        }

        if (ModelType is null && Format is not null)
        {
            throw new RunInputException("--format applies to state dicts, which need --model-type and --model-assembly; TorchScript files carry their own format.");
        }

        if ((Tokens is null) == (Inputs is null && Targets is null))
        {
            throw new RunInputException("Give the probe data either as --tokens FILE (with --context T) or as --inputs FILE and --targets FILE, not both or neither.");
        }

        if (Inputs is null != (Targets is null))
        {
            throw new RunInputException("--inputs and --targets go together.");
        }

        if (Tokens is not null && Context is null)
        {
            throw new RunInputException("--tokens needs --context T: the tokens per input window (at most the model's context length).");
        }

        Positive("--context", Context ?? 1);
        Positive("--batch-size", BatchSize);
        Positive("--batches", Batches);
        if (!ShellGrid.IsValidRatio(ShellRatio))
        {
            throw new RunInputException($"--shell-ratio {ShellRatio.ToString(CultureInfo.InvariantCulture)} is invalid: it must be a finite number greater than 1.");
        }

        if (SketchVectors < 0)
        {
            throw new RunInputException($"--sketch-vectors {SketchVectors} is invalid: it must be ≥ 0 (0 turns the kernel sketch off).");
        }

        if (LanczosSteps.Count > 1 && Method is ProbeMethod.Exact or ProbeMethod.Gram)
        {
            throw new RunInputException(
                $"--lanczos-steps lists {LanczosSteps.Count} depths, but --method {ProbeMethodNames.ToWireName(Method)} computes the exact spectrum and does not use them: " +
                "give one depth, or --method lanczos or auto.");
        }
    }

    /// <summary>Parses a comma-separated list of Lanczos depths, each at least 2, none twice.</summary>
    public static IReadOnlyList<int> ParseDepths(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var depths = new List<int>();
        foreach (var part in parts)
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var depth) || depth < 2)
            {
                throw new RunInputException($"--lanczos-steps '{text}' is invalid: '{part}' is not a whole number of at least 2 (e.g. 50,100,200).");
            }

            if (depths.Contains(depth))
            {
                throw new RunInputException($"--lanczos-steps '{text}' names {depth} twice.");
            }

            depths.Add(depth);
        }

        return depths.Count > 0 ? depths : throw new RunInputException("--lanczos-steps is empty; give one depth or a list such as 50,100,200.");
    }

    /// <summary>Parses a comma-separated list of steps, one per checkpoint file.</summary>
    public static IReadOnlyList<long> ParseSteps(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(part =>
            long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var step) && step >= 1
                ? step
                : throw new RunInputException($"--steps '{text}' is invalid: '{part}' is not a step (a whole number of at least 1).")).ToArray();

    private static void Positive(string flag, int value)
    {
        if (value < 1)
        {
            throw new RunInputException($"{flag} {value} is invalid: it must be at least 1.");
        }
    }
}
