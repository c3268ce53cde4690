using System.Globalization;
using System.Text.RegularExpressions;

namespace TrainMonitor.Checkpoints;

/// <summary>
/// Turns the paths a user names (checkpoint files, or folders of them) into a series of <see cref="Checkpoint"/>s ordered
/// by step, with the step read from each file's name (<c>step-001000.pt</c>, <c>pythia-160m-step2000.pth</c>: the last
/// number in the name, else in its folder's name) or given explicitly.
/// </summary>
public static partial class CheckpointDiscovery
{
    /// <summary>Extensions a folder is searched for: the TorchScript, PyTorch, safetensors and TorchSharp formats.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".pt", ".pth", ".bin", ".ckpt", ".safetensors", ".dat"];

    /// <summary>
    /// The checkpoints <paramref name="paths"/> name: each a file, or a folder whose files with one of
    /// <see cref="Extensions"/> are taken (not recursively, in name order). With <paramref name="steps"/>, the n-th file
    /// (in the order given, folders expanded) is step n; otherwise each step is read from the file's name.
    /// </summary>
    /// <returns>The series, ordered by step.</returns>
    /// <exception cref="ArgumentException">
    /// A path does not exist, a folder holds no checkpoint, a step cannot be read from a name, the count of
    /// <paramref name="steps"/> differs from the count of files, a step is below 1, or two checkpoints share a step; the
    /// message names the paths involved.
    /// </exception>
    public static IReadOnlyList<Checkpoint> FromPaths(IEnumerable<string> paths, IReadOnlyList<long>? steps = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = new List<string>();
        foreach (var path in paths)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(path, nameof(paths));
            if (Directory.Exists(path))
            {
                var found = Directory.EnumerateFiles(path)
                    .Where(f => !Path.GetFileName(f).StartsWith('.') && Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                    .ToArray();
                if (found.Length == 0)
                {
                    throw new ArgumentException($"The folder {path} holds no checkpoint (no file ending in {string.Join(", ", Extensions)}).", nameof(paths));
                }

                files.AddRange(found);
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new ArgumentException($"{path}: no such file or folder.", nameof(paths));
            }
        }

        if (files.Count == 0)
        {
            throw new ArgumentException("No checkpoint was given.", nameof(paths));
        }

        if (steps is not null && steps.Count != files.Count)
        {
            throw new ArgumentException(
                $"{steps.Count} steps were given for {files.Count} checkpoint files ({string.Join(", ", files.Select(Path.GetFileName))}); give one step per file.",
                nameof(steps));
        }

        return StepOrder.Of(files.Select((file, i) => Create(steps is null ? StepOf(file) : steps[i], file)), nameof(paths));
    }

    /// <summary>The last number in the file's name without its extension, else in its folder's name.</summary>
    /// <exception cref="ArgumentException">Neither name holds a number, or the number is too large for a step.</exception>
    public static long StepOf(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Shard().IsMatch(Path.GetFileNameWithoutExtension(path)))
        {
            // model-00001-of-00002: its last number is the shard count, and one shard is not a model.
            throw new ArgumentException(
                $"{path} is one shard of a sharded checkpoint; analyze takes one file per checkpoint (save the state dict unsharded, or merge the shards).",
                nameof(path));
        }

        foreach (var name in (string?[])[Path.GetFileNameWithoutExtension(path), Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path)))])
        {
            var numbers = Number().Matches(name ?? string.Empty);
            if (numbers.Count == 0)
            {
                continue;
            }

            // A number that does not fit is still the name's number: falling through to the folder's would give the
            // checkpoint another step without a word.
            return long.TryParse(numbers[^1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var step)
                ? step
                : throw new ArgumentException($"The number {numbers[^1].Value} in the name of {path} is too large for a step; give the steps explicitly.", nameof(path));
        }

        throw new ArgumentException(
            $"No step number in the name of {path} or of its folder (e.g. step-001000.pt); give the steps explicitly.", nameof(path));
    }

    private static Checkpoint Create(long step, string path)
    {
        if (step < 1)
        {
            throw new ArgumentException(
                $"{path} is step {step}, but steps start at 1: the frontier's displacement is measured against ln t (leave the initialisation out).",
                nameof(path));
        }

        return new Checkpoint(step, path);
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Number();

    [GeneratedRegex("-[0-9]+-of-[0-9]+$")]
    private static partial Regex Shard();
}
