using System.Text;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.JsonLines;
using TrainMonitor.Regimes;

namespace TrainMonitor.Tests.JsonLines;

public sealed class JsonLinesSinkTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ProbeCompleted Completed(ProbeSnapshot s) => new(s);

    private static string[] Lines(string path)
    {
        // Read while the sink may still hold the file open for writing.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = reader.ReadToEnd();
        Assert.EndsWith("\n", text);
        return text[..^1].Split('\n');
    }

    [Fact]
    public async Task SnapshotsRoundTripThroughTheFileFieldByField()
    {
        var path = _dir.File("run.jsonl");
        await using (var sink = new JsonLinesSink(path))
        {
            await sink.WriteAsync(Completed(SampleSnapshots.Degenerate(1)), default);
            await sink.WriteAsync(Completed(SampleSnapshots.NonFinite(2)), default);
            await sink.WriteAsync(Completed(SampleSnapshots.Complete(3)), default);
        }

        var read = await JsonLinesReader.ReadAllAsync(path);

        Assert.Equal(3, read.Count);
        SampleSnapshots.AssertEqual(SampleSnapshots.Degenerate(1), read[0]);
        SampleSnapshots.AssertEqual(SampleSnapshots.NonFiniteReadBack(2), read[1]);
        SampleSnapshots.AssertEqual(SampleSnapshots.Complete(3), read[2]);
        Assert.True(read[0].Frontier.IsDetermined);
        Assert.False(read[0].Frontier.Fit.IsDetermined);
        Assert.True(read[2].Frontier.Fit.IsDetermined);
        Assert.Equal(double.PositiveInfinity, read[1].Frontier.LambdaUpper);
    }

    [Fact]
    public async Task NonFiniteNumbersAreWrittenAsJsonNull()
    {
        var path = _dir.File("run.jsonl");
        await using (var sink = new JsonLinesSink(path))
        {
            await sink.WriteAsync(Completed(SampleSnapshots.NonFinite()), default);
        }

        var line = Assert.Single(Lines(path));
        Assert.DoesNotContain("NaN", line);
        Assert.DoesNotContain("Infinity", line);
        Assert.Contains("\"training_loss\":null,\"probe_loss\":null,", line);
        Assert.Contains("\"kernel_velocity\":null,\"output_change\":null,", line);
        Assert.Contains("\"estimate\":null,\"lower\":null,\"upper\":null", line);
        Assert.StartsWith("{\"schema_version\":4,", line);
    }

    [Fact]
    public async Task EachLineIsVisibleToAnotherReaderAsSoonAsWriteAsyncReturns()
    {
        var path = _dir.File("run.jsonl");
        await using var sink = new JsonLinesSink(path);

        await sink.WriteAsync(Completed(SampleSnapshots.Complete(1)), default);
        var afterFirst = await JsonLinesReader.ReadAllAsync(path);
        await sink.WriteAsync(Completed(SampleSnapshots.Complete(2)), default);
        var afterSecond = await JsonLinesReader.ReadAllAsync(path);

        Assert.Equal([1L], afterFirst.Select(s => s.ProbeIndex));
        Assert.Equal([1L, 2L], afterSecond.Select(s => s.ProbeIndex));
    }

    [Fact]
    public async Task ASecondSinkOnTheSameFileAppendsAndTruncatesNothing()
    {
        var path = _dir.File("run.jsonl");
        await using (var first = new JsonLinesSink(path))
        {
            await first.WriteAsync(Completed(SampleSnapshots.Complete(1)), default);
            await first.WriteAsync(Completed(SampleSnapshots.Complete(2)), default);
        }

        var before = await File.ReadAllBytesAsync(path);
        await using (var second = new JsonLinesSink(path))
        {
            Assert.Equal(before, await File.ReadAllBytesAsync(path)); // opening alone changes nothing
            await second.WriteAsync(Completed(SampleSnapshots.Complete(3)), default);
        }

        var after = await File.ReadAllBytesAsync(path);
        Assert.Equal(before, after.AsSpan(0, before.Length).ToArray());
        Assert.Equal([1L, 2L, 3L], (await JsonLinesReader.ReadAllAsync(path)).Select(s => s.ProbeIndex));
    }

    [Fact]
    public async Task AfterACrashTornLineTheNextProbeStartsOnANewLine()
    {
        var path = _dir.File("run.jsonl");
        var good = Encoding.UTF8.GetString(ProbeSnapshotJsonLine(SampleSnapshots.Complete(1)));
        await File.WriteAllTextAsync(path, good + good[..40]); // the crash interrupted probe 2

        await using (var sink = new JsonLinesSink(path))
        {
            await sink.WriteAsync(Completed(SampleSnapshots.Complete(3)), default);
        }

        var lines = Lines(path);
        Assert.Equal(3, lines.Length);
        Assert.Equal(good[..40], lines[1]);
        Assert.Equal([1L, 3L], (await JsonLinesReader.ReadAllAsync(path)).Select(s => s.ProbeIndex));
    }

    [Fact]
    public async Task OnlyCompletedProbesAreWritten()
    {
        var path = _dir.File("run.jsonl");
        var t = DateTimeOffset.UnixEpoch;
        await using (var sink = new JsonLinesSink(path))
        {
            await sink.WriteAsync(new ProbeFailed("r", 5, t, "OutOfMemoryException", "boom", 1), default);
            await sink.WriteAsync(new ProbeSkipped("r", 6, t, "previous probe still running", 1), default);
            await sink.WriteAsync(Completed(SampleSnapshots.Complete(1)), default);
            await sink.WriteAsync(new RegimeChanged("r", 7, t, TrainingRegime.WarmingUp, TrainingRegime.LazyStagnant, "stalled"), default);
            await sink.FlushAsync(default);
        }

        Assert.Single(Lines(path));
    }

    [Fact]
    public async Task ConcurrentWritesProduceWholeLines()
    {
        var path = _dir.File("run.jsonl");
        await using (var sink = new JsonLinesSink(path))
        {
            await Task.WhenAll(Enumerable.Range(1, 40).Select(i =>
                Task.Run(async () => await sink.WriteAsync(Completed(SampleSnapshots.Complete(i)), default))));
        }

        var read = await JsonLinesReader.ReadAllAsync(path);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), read.Select(s => s.ProbeIndex).Order());
    }

    [Fact]
    public async Task CreatesTheDirectoryOfTheFile()
    {
        var path = Path.Combine(_dir.Path, "runs", "nested", "run.jsonl");
        await using var sink = new JsonLinesSink(path);

        Assert.True(File.Exists(path));
        Assert.Equal(path, sink.Path);
    }

    [Fact]
    public void APathUnderARegularFileFailsAtConstructionNamingThePath()
    {
        var blocker = _dir.File("not-a-directory");
        File.WriteAllText(blocker, "x");
        var path = Path.Combine(blocker, "runs", "run.jsonl");

        var ex = Assert.Throws<IOException>(() => new JsonLinesSink(path));

        Assert.Contains(path, ex.Message);
        Assert.NotNull(ex.InnerException);
    }

    [Fact]
    public void ADirectoryInPlaceOfTheFileFailsAtConstructionNamingThePath()
    {
        var path = _dir.File("is-a-directory");
        Directory.CreateDirectory(path);

        var ex = Assert.ThrowsAny<IOException>(() => new JsonLinesSink(path));

        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public async Task WritingAfterDisposeThrowsAndDisposeTwiceDoesNot()
    {
        var sink = new JsonLinesSink(_dir.File("run.jsonl"));
        await sink.DisposeAsync();
        await sink.DisposeAsync();
        sink.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await sink.WriteAsync(Completed(SampleSnapshots.Complete()), default));
    }

    [Fact]
    public async Task ACancelledWriteWritesNothing()
    {
        var path = _dir.File("run.jsonl");
        await using var sink = new JsonLinesSink(path);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await sink.WriteAsync(Completed(SampleSnapshots.Complete()), new CancellationToken(canceled: true)));

        Assert.Equal(0, new FileInfo(path).Length);
    }

    private static byte[] ProbeSnapshotJsonLine(ProbeSnapshot s) => TrainMonitor.Outputs.JsonLines.ProbeSnapshotJson.ToLine(s);
}
