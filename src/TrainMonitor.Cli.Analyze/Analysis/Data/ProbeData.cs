using TorchSharp;
using TrainMonitor.Cli.Runs;
using TrainMonitor.Probing;
using static TorchSharp.torch;

namespace TrainMonitor.Cli.Analysis.Data;

/// <summary>
/// The fixed probe set of an analysis, from a token stream cut into windows or from tensors saved with TorchSharp: the
/// first <c>batches × batchSize</c> examples, in order, the same for every checkpoint.
/// </summary>
internal static class ProbeData
{
    /// <summary>
    /// Consecutive, non-overlapping windows of <paramref name="context"/> + 1 tokens. For per-token surprisal the input is a
    /// window's first <paramref name="context"/> tokens and the target the same shifted by one; for per-example surprisal the
    /// target is the one token after the input.
    /// </summary>
    /// <exception cref="RunInputException">The stream is too short for the batches asked for, or the error cannot be computed from tokens.</exception>
    public static async Task<ProbeSet> FromTokensAsync(string path, string tokenFormat, int context, string error, int batchSize, int batches,
        CancellationToken ct)
    {
        if (error == ErrorKind.Squared)
        {
            throw new RunInputException(
                $"--error {ErrorKind.Squared} needs real-valued targets: give --inputs and --targets, or use {ErrorKind.TokenSurprisal} or {ErrorKind.Surprisal} with --tokens.");
        }

        var windows = (long)batchSize * batches;
        var needed = windows * (context + 1);
        var ids = await TokenFile.ReadAsync(path, tokenFormat, needed, ct).ConfigureAwait(false);
        if (ids.LongLength < needed)
        {
            throw new RunInputException(
                $"--tokens {path} holds {ids.LongLength} ids, but {batches} batches of {batchSize} windows of {context} + 1 tokens need {needed}: " +
                "lower --batches, --batch-size or --context.");
        }

        using var scope = NewDisposeScope();
        var stream = tensor(ids, ScalarType.Int64).reshape(windows, context + 1);
        var inputs = stream.narrow(1, 0, context);
        var targets = error == ErrorKind.TokenSurprisal ? stream.narrow(1, 1, context) : stream.select(1, context);
        return ProbeSet.FromTensors(inputs, targets, batchSize);
    }

    /// <summary>
    /// Inputs and targets saved with TorchSharp (<c>torch.save(tensor, path)</c>), examples along dimension 0; floating
    /// tensors are converted to <paramref name="dtype"/> when one is given.
    /// </summary>
    /// <exception cref="RunInputException">A file is missing or not a TorchSharp tensor, or there are fewer examples than the batches ask for.</exception>
    public static ProbeSet FromTensorFiles(string inputsPath, string targetsPath, int batchSize, int batches, ScalarType? dtype)
    {
        using var scope = NewDisposeScope();
        var inputs = Load("--inputs", inputsPath, dtype);
        var targets = Load("--targets", targetsPath, dtype);
        if (inputs.dim() == 0 || targets.dim() == 0 || inputs.shape[0] != targets.shape[0])
        {
            throw new RunInputException(
                $"--inputs and --targets need one row per example along dimension 0; they are [{string.Join(", ", inputs.shape)}] and [{string.Join(", ", targets.shape)}].");
        }

        var wanted = (long)batchSize * batches;
        if (inputs.shape[0] < wanted)
        {
            throw new RunInputException(
                $"--inputs {inputsPath} holds {inputs.shape[0]} examples, but {batches} batches of {batchSize} need {wanted}: lower --batches or --batch-size.");
        }

        return ProbeSet.FromTensors(inputs.narrow(0, 0, wanted), targets.narrow(0, 0, wanted), batchSize);
    }

    private static Tensor Load(string option, string path, ScalarType? dtype)
    {
        if (!File.Exists(path))
        {
            throw new RunInputException($"{option} {path}: no such file.");
        }

        Tensor loaded;
        try
        {
            loaded = torch.load(path);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new RunInputException($"{option} {path} is not a tensor saved with TorchSharp (torch.save(tensor, path)): {ex.Message}", ex);
        }

        return dtype is { } type && loaded.is_floating_point() ? loaded.to_type(type) : loaded;
    }
}
