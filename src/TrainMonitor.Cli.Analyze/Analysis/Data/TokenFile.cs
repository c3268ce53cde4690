using System.Globalization;
using TrainMonitor.Cli.Runs;

namespace TrainMonitor.Cli.Analysis.Data;

/// <summary>
/// A stream of token ids: raw little-endian integers (the memory-mapped <c>.bin</c> files GPT-NeoX and Pythia train on are
/// uint16), or text of whitespace-separated decimal ids.
/// </summary>
internal static class TokenFile
{
    /// <summary>The <c>--token-format</c> values.</summary>
    public static readonly string[] Formats = ["auto", "text", "uint16", "int32", "int64"];

    /// <summary>
    /// Reads at most <paramref name="limit"/> ids from <paramref name="path"/> in <paramref name="format"/> (<c>auto</c>:
    /// text for a <c>.txt</c> file, uint16 otherwise).
    /// </summary>
    /// <exception cref="RunInputException">The file is missing, has a length that is not a whole number of ids, or holds a token that is not an id.</exception>
    public static async Task<long[]> ReadAsync(string path, string format, long limit, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            throw new RunInputException($"--tokens {path}: no such file.");
        }

        if (format == "auto")
        {
            format = string.Equals(Path.GetExtension(path), ".txt", StringComparison.OrdinalIgnoreCase) ? "text" : "uint16";
        }

        return format == "text" ? await ReadTextAsync(path, limit, ct).ConfigureAwait(false) : await ReadBinaryAsync(path, format, limit, ct).ConfigureAwait(false);
    }

    private static async Task<long[]> ReadBinaryAsync(string path, string format, long limit, CancellationToken ct)
    {
        var size = format switch { "uint16" => 2, "int32" => 4, _ => 8 };
        var length = new FileInfo(path).Length;
        if (length % size != 0)
        {
            throw new RunInputException(
                $"--tokens {path} is {length} bytes, not a whole number of {format} ids ({size} bytes each); is --token-format right?");
        }

        var count = (int)Math.Min(length / size, Math.Min(limit, Array.MaxLength));
        var bytes = new byte[count * size];
        await using (var stream = File.OpenRead(path))
        {
            await stream.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
        }

        var ids = new long[count];
        for (var i = 0; i < count; i++)
        {
            var span = bytes.AsSpan(i * size, size);
            ids[i] = size switch
            {
                2 => BitConverter.ToUInt16(span),
                4 => BitConverter.ToInt32(span),
                _ => BitConverter.ToInt64(span),
            };
            if (ids[i] < 0)
            {
                throw new RunInputException($"--tokens {path}: id {i} is {ids[i]}; token ids are ≥ 0 (is --token-format right?).");
            }
        }

        return ids;
    }

    private static async Task<long[]> ReadTextAsync(string path, long limit, CancellationToken ct)
    {
        var ids = new List<long>();
        var line = 0;
        using var reader = new StreamReader(path);
        while (ids.Count < limit && await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } text)
        {
            line++;
            foreach (var token in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                if (!long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    throw new RunInputException($"--tokens {path}, line {line}: '{token}' is not a token id (whitespace-separated decimal integers ≥ 0).");
                }

                ids.Add(id);
                if (ids.Count == limit)
                {
                    break;
                }
            }
        }

        return [.. ids];
    }
}
