using System.Runtime.CompilerServices;
using System.Text.Json;

namespace TrainMonitor.Outputs.JsonLines;

/// <summary>
/// Reads the probe snapshots that <see cref="JsonLinesSink"/> wrote (schema: docs/snapshot-schema.md).
/// </summary>
/// <remarks>
/// <para>
/// The file is read as a stream, one line at a time, while a sink may still be appending to it. Blank lines are skipped.
/// A line torn by a crash is skipped: the last line when it has no newline and does not parse (the write the crash
/// interrupted), and any line that is an unfinished JSON object (a torn line that a resumed sink then terminated before
/// appending; see <see cref="JsonLinesSink"/>). Any other line that does not hold a valid snapshot raises a
/// <see cref="FormatException"/> naming the file and the 1-based line number. The skipped lines are not lost from view:
/// <see cref="ReadFileAsync"/> returns them with their line numbers, and an overload of <see cref="ReadAsync(string, Action{SkippedLine}, CancellationToken)"/>
/// reports each as it is passed.
/// </para>
/// <para>
/// A line written with a newer <c>schema_version</c> than this reader understands raises a
/// <see cref="NotSupportedException"/>. Keys unknown to this version are ignored.
/// </para>
/// </remarks>
public static class JsonLinesReader
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>Streams the snapshots of <paramref name="path"/> in file order, skipping torn lines silently.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">A line other than a torn one does not hold a valid snapshot.</exception>
    /// <exception cref="NotSupportedException">A line has a newer <c>schema_version</c> than this reader understands.</exception>
    public static IAsyncEnumerable<ProbeSnapshot> ReadAsync(string path, CancellationToken ct = default) => ReadAsync(path, onSkipped: null, ct);

    /// <summary>
    /// Streams the snapshots of <paramref name="path"/> in file order and calls <paramref name="onSkipped"/> for every torn
    /// line skipped, when the enumeration reaches it (a torn last line is reported at the end), so a caller can say what
    /// was left out.
    /// </summary>
    /// <inheritdoc cref="ReadAsync(string, CancellationToken)" path="/exception"/>
    public static async IAsyncEnumerable<ProbeSnapshot> ReadAsync(string path, Action<SkippedLine>? onSkipped,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        await using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0,
            Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
        });

        var buffer = new byte[ChunkSize];
        var start = 0; // first unconsumed byte
        var end = 0; // one past the last byte read
        var lineNumber = 0;
        var atFileStart = true;
        while (true)
        {
            if (end == buffer.Length)
            {
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }
                else
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
            }

            var read = await stream.ReadAsync(buffer.AsMemory(end), ct).ConfigureAwait(false);
            if (atFileStart && end + read >= 3)
            {
                if (buffer.AsSpan(0, 3).SequenceEqual("\uFEFF"u8))
                {
                    start = 3;
                }

                atFileStart = false;
            }

            if (read == 0)
            {
                break;
            }

            end += read;
            int newline;
            while ((newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n')) >= 0)
            {
                lineNumber++;
                var line = new ReadOnlyMemory<byte>(buffer, start, newline);
                start += newline + 1;
                if (Parse(path, lineNumber, line, terminated: true, onSkipped) is { } snapshot)
                {
                    yield return snapshot;
                }
            }
        }

        if (end > start)
        {
            lineNumber++;
            if (Parse(path, lineNumber, new ReadOnlyMemory<byte>(buffer, start, end - start), terminated: false, onSkipped) is { } last)
            {
                yield return last;
            }
        }
    }

    /// <summary>Reads every snapshot of <paramref name="path"/> in file order, skipping torn lines silently.</summary>
    /// <inheritdoc cref="ReadAsync(string, CancellationToken)" path="/exception"/>
    public static async Task<IReadOnlyList<ProbeSnapshot>> ReadAllAsync(string path, CancellationToken ct = default) =>
        (await ReadFileAsync(path, ct).ConfigureAwait(false)).Snapshots;

    /// <summary>Reads every snapshot of <paramref name="path"/> in file order, with the torn lines it skipped.</summary>
    /// <inheritdoc cref="ReadAsync(string, CancellationToken)" path="/exception"/>
    public static async Task<JsonLinesReadResult> ReadFileAsync(string path, CancellationToken ct = default)
    {
        var snapshots = new List<ProbeSnapshot>();
        var skipped = new List<SkippedLine>();
        await foreach (var snapshot in ReadAsync(path, skipped.Add, ct).ConfigureAwait(false))
        {
            snapshots.Add(snapshot);
        }

        return new JsonLinesReadResult(snapshots, skipped);
    }

    /// <summary>The snapshot on one line, or null for a blank or torn line (a torn one is reported to <paramref name="onSkipped"/>).</summary>
    private static ProbeSnapshot? Parse(string path, int lineNumber, ReadOnlyMemory<byte> line, bool terminated, Action<SkippedLine>? onSkipped)
    {
        var span = line.Span;
        if (span.Length > 0 && span[^1] == (byte)'\r')
        {
            line = line[..^1];
            span = line.Span;
        }

        if (span.Trim(" \t"u8).IsEmpty)
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            if (!terminated || IsUnfinishedObject(span))
            {
                onSkipped?.Invoke(new SkippedLine(lineNumber, terminated ? SkippedLineReason.UnfinishedObject : SkippedLineReason.UnterminatedLastLine));
                return null;
            }

            throw new FormatException($"{path}, line {lineNumber}: not valid JSON ({ex.Message})", ex);
        }

        using (document)
        {
            try
            {
                return ProbeSnapshotJson.Read(document.RootElement);
            }
            catch (FormatException ex)
            {
                throw new FormatException($"{path}, line {lineNumber}: {ex.Message}", ex);
            }
            catch (NotSupportedException ex)
            {
                throw new NotSupportedException($"{path}, line {lineNumber}: {ex.Message}", ex);
            }
        }
    }

    /// <summary>
    /// True when the line is the beginning of a JSON object cut short: valid so far, but the data ends before the object
    /// closes. That is what an interrupted write leaves; any other malformation is not.
    /// </summary>
    private static bool IsUnfinishedObject(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line, isFinalBlock: false, state: default);
        try
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read())
            {
                if (reader.CurrentDepth == 0 && reader.TokenType == JsonTokenType.EndObject)
                {
                    return false; // the object closed: the problem lies elsewhere
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
