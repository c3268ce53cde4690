namespace TrainMonitor.Outputs.JsonLines;

/// <summary>
/// Appends one JSON object per completed probe to a file, one line each (schema: docs/snapshot-schema.md; read back with
/// <see cref="JsonLinesReader"/>).
/// </summary>
/// <remarks>
/// <para>
/// The file is opened at construction and never truncated: an existing file is appended to, so a resumed run continues
/// the same file. Every line is handed to the operating system before <see cref="WriteAsync"/> returns, so a crash of
/// the process loses at most the line being written; <see cref="FlushAsync"/> and disposal also ask the operating system
/// to put the data on disk. Other processes may read the file while the sink writes it.
/// </para>
/// <para>
/// Only <see cref="ProbeCompleted"/> events are written; the other events are ignored, so the file holds exactly one object
/// per probe. Writes are serialised: concurrent calls write whole lines one after the other. Each line goes to the current
/// end of the file, and if the file does not end with a newline (a line torn by an earlier crash) a newline is written
/// first, so a new line is never glued to a torn one. One sink per file at a time: two processes appending to the same
/// file concurrently may interleave bytes.
/// </para>
/// </remarks>
public sealed class JsonLinesSink : IMonitorSink, IAsyncDisposable, IDisposable
{
    private static readonly byte[] Newline = [(byte)'\n'];

    private readonly FileStream _stream;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _disposed;

    /// <summary>
    /// Opens (or creates) <paramref name="path"/> for appending, creating its directory if needed.
    /// </summary>
    /// <param name="path">The JSON-lines file, for example <c>runs/mnist.jsonl</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or whitespace.</exception>
    /// <exception cref="IOException">The file cannot be opened for writing; the message names the path and says why.</exception>
    public JsonLinesSink(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        try
        {
            var directory = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            // Read access only to look at the last byte (torn line); other readers are welcome.
            _stream = new FileStream(Path, new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.Read,
                BufferSize = 0,
                Options = FileOptions.Asynchronous,
            });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new IOException($"Cannot open the JSON-lines file '{Path}' for appending: {ex.Message}", ex);
        }
    }

    /// <summary>Full path of the file written.</summary>
    public string Path { get; }

    /// <summary>
    /// Writes the snapshot of a <see cref="ProbeCompleted"/> as one line and hands it to the operating system before
    /// returning; other events are ignored. Cancellation is honoured while waiting for another write; once a line is
    /// started it is completed, so the file never holds a line torn by cancellation.
    /// </summary>
    public async ValueTask WriteAsync(MonitorEvent monitorEvent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(monitorEvent);
        if (monitorEvent is not ProbeCompleted completed)
        {
            return;
        }

        var line = ProbeSnapshotJson.ToLine(completed.Snapshot);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ct.ThrowIfCancellationRequested();
            await MoveToLineStartAsync().ConfigureAwait(false);
            await _stream.WriteAsync(line, CancellationToken.None).ConfigureAwait(false);
            await _stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Asks the operating system to put everything written so far on disk (fsync).</summary>
    public async ValueTask FlushAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _stream.Flush(flushToDisk: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Waits for a write in progress, puts the file on disk and closes it. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            CloseFile();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Synchronous <see cref="DisposeAsync"/>, for <c>using</c> statements in synchronous code.</summary>
    public void Dispose()
    {
        _gate.Wait();
        try
        {
            CloseFile();
        }
        finally
        {
            _gate.Release();
        }
    }

    private void CloseFile()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            _stream.Flush(flushToDisk: true);
        }
        finally
        {
            _stream.Dispose();
        }
    }

    /// <summary>
    /// Positions the stream at the end of the file (which may have moved if someone else appended or truncated it) and,
    /// when the file's last byte is not a newline, writes one so that the next line starts on a line of its own.
    /// </summary>
    private async ValueTask MoveToLineStartAsync()
    {
        var length = _stream.Seek(0, SeekOrigin.End);
        if (length == 0)
        {
            return;
        }

        var last = new byte[1];
        var read = await RandomAccess.ReadAsync(_stream.SafeFileHandle, last, length - 1).ConfigureAwait(false);
        if (read == 1 && last[0] != (byte)'\n')
        {
            await _stream.WriteAsync(Newline, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
