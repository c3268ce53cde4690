using System.Text;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.JsonLines;
using TrainMonitor.Probing;

namespace TrainMonitor.Tests.JsonLines;

public sealed class JsonLinesReaderTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Line(ProbeSnapshot s) => Encoding.UTF8.GetString(ProbeSnapshotJson.ToLine(s));

    private async Task<string> FileWith(string content)
    {
        var path = _dir.File("run.jsonl");
        await File.WriteAllTextAsync(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }

    [Fact]
    public async Task ATruncatedLastLineWithoutNewlineIsIgnored()
    {
        var third = Line(SampleSnapshots.Complete(3));
        var path = await FileWith(Line(SampleSnapshots.Complete(1)) + Line(SampleSnapshots.Complete(2)) + third[..(third.Length / 2)]);

        var read = await JsonLinesReader.ReadAllAsync(path);

        Assert.Equal([1L, 2L], read.Select(s => s.ProbeIndex));
    }

    [Fact]
    public async Task ACompleteLastLineWithoutNewlineIsRead()
    {
        var second = Line(SampleSnapshots.Complete(2));
        var path = await FileWith(Line(SampleSnapshots.Complete(1)) + second[..^1]);

        Assert.Equal([1L, 2L], (await JsonLinesReader.ReadAllAsync(path)).Select(s => s.ProbeIndex));
    }

    [Fact]
    public async Task AMalformedMiddleLineThrowsFormatExceptionNamingTheLine()
    {
        var path = await FileWith(Line(SampleSnapshots.Complete(1)) + Line(SampleSnapshots.Complete(2)) + "{\"schema_version\": 1, oops}\n" + Line(SampleSnapshots.Complete(4)));

        var ex = await Assert.ThrowsAsync<FormatException>(() => JsonLinesReader.ReadAllAsync(path));

        Assert.Contains("line 3", ex.Message);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public async Task ALineWithAMissingKeyThrowsFormatExceptionNamingTheLineAndTheKey()
    {
        var broken = Line(SampleSnapshots.Complete(2)).Replace("\"lambda_max\":", "\"lambda_maximum\":", StringComparison.Ordinal);
        var path = await FileWith(Line(SampleSnapshots.Complete(1)) + broken);

        var ex = await Assert.ThrowsAsync<FormatException>(() => JsonLinesReader.ReadAllAsync(path));

        Assert.Contains("line 2", ex.Message);
        Assert.Contains("'lambda_max'", ex.Message);
    }

    [Fact]
    public async Task AValueOfTheWrongTypeThrowsFormatException()
    {
        var broken = Line(SampleSnapshots.Complete(1)).Replace("\"step\":400", "\"step\":\"400\"", StringComparison.Ordinal);
        var path = await FileWith(broken);

        var ex = await Assert.ThrowsAsync<FormatException>(() => JsonLinesReader.ReadAllAsync(path));

        Assert.Contains("line 1", ex.Message);
        Assert.Contains("'step'", ex.Message);
    }

    [Fact]
    public async Task AnUnknownRegimeThrowsFormatException()
    {
        var broken = Line(SampleSnapshots.Complete(1)).Replace("\"feature_learning\"", "\"galloping\"", StringComparison.Ordinal);
        var path = await FileWith(broken);

        var ex = await Assert.ThrowsAsync<FormatException>(() => JsonLinesReader.ReadAllAsync(path));

        Assert.Contains("galloping", ex.Message);
    }

    [Fact]
    public async Task ALineWrittenBeforeProbeMethodsExistedReadsAsNoMethods()
    {
        var old = Line(SampleSnapshots.Complete(1)).Replace(",\"probe_methods\":[\"lanczos\",\"lanczos\"]", "", StringComparison.Ordinal);
        Assert.DoesNotContain("probe_methods", old);
        var path = await FileWith(old);

        var read = await JsonLinesReader.ReadAllAsync(path);

        Assert.Empty(read[0].ProbeMethods);
    }

    [Fact]
    public async Task AnUnknownProbeMethodThrowsFormatException()
    {
        var broken = Line(SampleSnapshots.Complete(1)).Replace("[\"lanczos\",\"lanczos\"]", "[\"lanczos\",\"guess\"]", StringComparison.Ordinal);
        var path = await FileWith(broken);

        var ex = await Assert.ThrowsAsync<FormatException>(() => JsonLinesReader.ReadAllAsync(path));

        Assert.Contains("guess", ex.Message);
        Assert.Contains("line 1", ex.Message);
    }

    [Fact]
    public async Task ATornLineThatAResumedSinkTerminatedIsSkipped()
    {
        var torn = Line(SampleSnapshots.Complete(2))[..57];
        var path = await FileWith(Line(SampleSnapshots.Complete(1)) + torn + "\n" + Line(SampleSnapshots.Complete(3)));

        Assert.Equal([1L, 3L], (await JsonLinesReader.ReadAllAsync(path)).Select(s => s.ProbeIndex));
    }

    [Fact]
    public async Task AFutureSchemaVersionThrowsNotSupportedException()
    {
        var future = Line(SampleSnapshots.Complete(2)).Replace("{\"schema_version\":4,", "{\"schema_version\":5,", StringComparison.Ordinal);
        Assert.StartsWith("{\"schema_version\":5,", future);
        var path = await FileWith(Line(SampleSnapshots.Complete(1)) + future);

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => JsonLinesReader.ReadAllAsync(path));

        Assert.Contains("line 2", ex.Message);
        Assert.Contains("schema_version 5", ex.Message);
        Assert.Contains("schema_version 4", ex.Message);
    }

    [Fact]
    public async Task AVersion1LineWithoutTheFallbackKeysStillReads()
    {
        // Exactly what a version-1 writer produced: no probe_method_requested, no probe_fallback_reason.
        var v1 = LegacyLine(SampleSnapshots.Complete(1) with { ProbeMethodRequested = null, ProbeFallbackReason = null }, version: 1)
            .Replace(",\"probe_method_requested\":null,\"probe_fallback_reason\":null", "", StringComparison.Ordinal);
        Assert.StartsWith("{\"schema_version\":1,", v1);
        Assert.DoesNotContain("probe_method_requested", v1);
        Assert.DoesNotContain("probe_fallback_reason", v1);
        var path = await FileWith(v1);

        var read = (await JsonLinesReader.ReadAllAsync(path)).Single();

        Assert.Null(read.ProbeMethodRequested);
        Assert.Null(read.ProbeFallbackReason);
        SampleSnapshots.AssertEqual(AsReadFromLegacy(SampleSnapshots.Complete(1) with { ProbeMethodRequested = null, ProbeFallbackReason = null }, 1), read);
    }

    [Fact]
    public async Task AVersion2LineReadsItsFrontierAsTheFitAndNoQuantileFrontier()
    {
        var original = SampleSnapshots.Complete(1);
        var v2 = LegacyLine(original, version: 2);
        Assert.Contains("\"frontier\":{\"lambda\":0.0123,\"tail_exponent\":0.75,", v2);
        var path = await FileWith(v2);

        var read = (await JsonLinesReader.ReadAllAsync(path)).Single();

        Assert.False(read.Frontier.IsDetermined);
        Assert.Equal("not recorded (schema version 2 files hold only the fit)", read.Frontier.Reason);
        Assert.Equal(0.0123, read.Frontier.Fit.Lambda);
        Assert.Equal(0.75, read.Frontier.Fit.TailExponent);
        Assert.Equal(double.NaN, read.Frontier.Fit.OutlierEnergy);
        Assert.All(read.Shells, shell => Assert.Null(shell.Occupancy));
        SampleSnapshots.AssertEqual(AsReadFromLegacy(original, 2), read);
    }

    [Fact]
    public async Task AVersion3LineReadsNoKernelVelocityNoOutputChangeAndNoProbeLossButKeepsEverythingElse()
    {
        // Version 3 measured the kernel velocity in S per unit ln t: read as today's radians per e-fold of held-out loss it
        // would land on the wrong side of the threshold, so it reads back as not known, like the output change and the
        // held-out loss it lacked.
        var original = SampleSnapshots.Complete(1);
        var v3 = LegacyLine(original, version: 3);
        Assert.StartsWith("{\"schema_version\":3,", v3);
        Assert.Contains("\"kernel_velocity\":0.21,", v3);
        Assert.DoesNotContain("output_change", v3);
        Assert.DoesNotContain("probe_loss", v3);
        var path = await FileWith(v3);

        var read = (await JsonLinesReader.ReadAllAsync(path)).Single();

        Assert.Equal(double.NaN, read.Assessment.KernelVelocity);
        Assert.Equal(double.NaN, read.Assessment.OutputChange);
        Assert.Equal(double.NaN, read.ProbeLoss);
        Assert.Equal(original.Assessment.KernelDistance, read.Assessment.KernelDistance);
        Assert.True(read.Frontier.IsDetermined);
        SampleSnapshots.AssertEqual(AsReadFromLegacy(original, 3), read);
    }

    [Fact]
    public async Task TheOutputChangeIsWrittenAfterTheKernelVelocityAndReadBack()
    {
        var snapshot = SampleSnapshots.Complete(1);
        var line = Line(snapshot);

        Assert.Contains("\"kernel_velocity\":0.21,\"output_change\":0.0375,\"frontier_velocity\":", line);
        var read = (await JsonLinesReader.ReadAllAsync(await FileWith(line))).Single();
        Assert.Equal(0.0375, read.Assessment.OutputChange);
    }

    [Fact]
    public async Task ALineWithoutTheOutputChangeReadsItAsNaN()
    {
        // Readers must accept lines without the key (a writer that leaves it out): it reads back as not known.
        var without = Line(SampleSnapshots.Complete(1)).Replace("\"output_change\":0.0375,", "", StringComparison.Ordinal);
        Assert.DoesNotContain("output_change", without);

        var read = (await JsonLinesReader.ReadAllAsync(await FileWith(without))).Single();

        Assert.Equal(double.NaN, read.Assessment.OutputChange);
        Assert.Equal(0.21, read.Assessment.KernelVelocity);
    }

    [Fact]
    public async Task ANullOutputChangeReadsAsNaN()
    {
        var line = Line(SampleSnapshots.Complete(1) with { Assessment = SampleSnapshots.Complete(1).Assessment with { OutputChange = double.NaN } });
        Assert.Contains("\"output_change\":null,", line);

        var read = (await JsonLinesReader.ReadAllAsync(await FileWith(line))).Single();

        Assert.Equal(double.NaN, read.Assessment.OutputChange);
    }

    [Fact]
    public async Task TheProbeLossIsWrittenAfterTheTrainingLossAndReadBack()
    {
        var line = Line(SampleSnapshots.Complete(1));

        Assert.Contains("\"training_loss\":0.3183098861837907,\"probe_loss\":0.3456,\"error_energy\":", line);
        var read = (await JsonLinesReader.ReadAllAsync(await FileWith(line))).Single();
        Assert.Equal(0.3456, read.ProbeLoss);
    }

    [Fact]
    public async Task ALineWithoutTheProbeLossReadsItAsNaN()
    {
        // An added key (no version change): readers accept lines written before it, or by a writer that leaves it out.
        var without = Line(SampleSnapshots.Complete(1)).Replace("\"probe_loss\":0.3456,", "", StringComparison.Ordinal);
        Assert.DoesNotContain("probe_loss", without);
        Assert.StartsWith("{\"schema_version\":4,", without);

        var read = (await JsonLinesReader.ReadAllAsync(await FileWith(without))).Single();

        Assert.Equal(double.NaN, read.ProbeLoss);
        SampleSnapshots.AssertEqual(SampleSnapshots.Complete(1) with { ProbeLoss = double.NaN }, read);
    }

    [Fact]
    public async Task ANonFiniteProbeLossIsWrittenAsNullAndReadsAsNaN()
    {
        // A diverged probe: its held-out loss is infinite, which JSON cannot hold.
        var line = Line(SampleSnapshots.Complete(1) with { ProbeLoss = double.PositiveInfinity });
        Assert.Contains("\"probe_loss\":null,", line);

        var read = (await JsonLinesReader.ReadAllAsync(await FileWith(line))).Single();

        Assert.Equal(double.NaN, read.ProbeLoss);
    }

    /// <summary>
    /// The line a writer of <paramref name="version"/> (1, 2 or 3) produced: no output change and no held-out loss (before
    /// 4); the frontier object was the fit itself (no outlier keys) and shells had no occupancy (before 3).
    /// </summary>
    private static string LegacyLine(ProbeSnapshot s, int version)
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(Line(s))!.AsObject();
        root["schema_version"] = version;
        root.Remove("output_change");
        root.Remove("probe_loss");
        if (version >= 3)
        {
            return Serialize(root);
        }

        var fit = root["frontier"]!["fit"]!.DeepClone().AsObject();
        fit.Remove("outlier_energy");
        fit.Remove("outlier_shells");
        root["frontier"] = fit;
        foreach (var shell in root["shells"]!.AsArray())
        {
            shell!.AsObject().Remove("occupancy");
        }

        return Serialize(root);
    }

    private static string Serialize(System.Text.Json.Nodes.JsonObject root) =>
        root.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

    /// <summary>What a reader gives back for <paramref name="s"/> written at a legacy version.</summary>
    private static ProbeSnapshot AsReadFromLegacy(ProbeSnapshot s, int version)
    {
        var read = s with { ProbeLoss = double.NaN, Assessment = s.Assessment with { KernelVelocity = double.NaN, OutputChange = double.NaN } };
        return version >= 3 ? read : read with
        {
            Shells = s.Shells.Select(shell => shell with { Occupancy = null }).ToArray(),
            Frontier = new FrontierSnapshot(double.NaN, double.NaN, double.NaN, double.NaN, $"not recorded (schema version {version} files hold only the fit)",
                s.Frontier.Fit with { OutlierEnergy = double.NaN, OutlierShells = 0 }),
        };
    }

    [Fact]
    public async Task AVersion2LineRoundTripsTheRequestedMethodAndTheFallbackReason()
    {
        var auto = SampleSnapshots.Complete(1);
        var forced = SampleSnapshots.Complete(2) with { ProbeMethodRequested = ProbeMethod.Lanczos, ProbeFallbackReason = null };
        var path = await FileWith(Line(auto) + Line(forced));

        var read = await JsonLinesReader.ReadAllAsync(path);

        Assert.Contains("\"probe_method_requested\":\"auto\",\"probe_fallback_reason\":\"The batch has 1024 examples", Line(auto));
        Assert.Equal(ProbeMethod.Auto, read[0].ProbeMethodRequested);
        Assert.Equal(auto.ProbeFallbackReason, read[0].ProbeFallbackReason);
        Assert.Equal(ProbeMethod.Lanczos, read[1].ProbeMethodRequested);
        Assert.Null(read[1].ProbeFallbackReason);
        SampleSnapshots.AssertEqual(auto, read[0]);
        SampleSnapshots.AssertEqual(forced, read[1]);
    }

    [Fact]
    public async Task AVersion2LineWithoutTheFallbackReasonThrowsFormatException()
    {
        // In version 2 a missing reason is not "no fallback" (that is null): the line is not what a writer produces.
        var broken = Line(SampleSnapshots.Complete(1)).Replace(",\"probe_fallback_reason\":\"The batch has 1024 examples, more than the Gram path's limit of 512 errors.\"", "", StringComparison.Ordinal);
        Assert.DoesNotContain("probe_fallback_reason", broken);
        var path = await FileWith(broken);

        var ex = await Assert.ThrowsAsync<FormatException>(() => JsonLinesReader.ReadAllAsync(path));

        Assert.Contains("probe_fallback_reason", ex.Message);
    }

    [Fact]
    public async Task UnknownKeysAreIgnoredAndBlankLinesCrlfAndABomAreAccepted()
    {
        var extended = Line(SampleSnapshots.Complete(1)).Replace("\"run\":", "\"added_later\":{\"x\":[1,2]},\"run\":", StringComparison.Ordinal);
        var path = _dir.File("run.jsonl");
        await File.WriteAllTextAsync(path, extended.TrimEnd('\n') + "\r\n\n  \n" + Line(SampleSnapshots.Complete(2)), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var read = await JsonLinesReader.ReadAllAsync(path);

        Assert.Equal(2, read.Count);
        SampleSnapshots.AssertEqual(SampleSnapshots.Complete(1), read[0]);
    }

    [Fact]
    public async Task LinesLongerThanTheReadBufferAreRead()
    {
        var many = SampleSnapshots.Complete(1) with
        {
            Shells = Enumerable.Range(-600, 1200).Select(i => new ShellSnapshot(i, Math.Pow(2, i / 8.0), Math.Pow(2, (i + 1) / 8.0), 1.0 / 3, 0.1, 0.9)).ToArray(),
        };
        var path = await FileWith(string.Concat(Enumerable.Range(0, 3).Select(_ => Line(many))));
        Assert.True(new FileInfo(path).Length > 3 * 64 * 1024 / 2);

        var read = await JsonLinesReader.ReadAllAsync(path);

        Assert.Equal(3, read.Count);
        SampleSnapshots.AssertEqual(many, read[2]);
    }

    [Fact]
    public async Task AnEmptyFileHoldsNoSnapshots()
    {
        var path = await FileWith("");

        Assert.Empty(await JsonLinesReader.ReadAllAsync(path));
    }

    [Fact]
    public async Task ReadAsyncStreamsAndHonoursCancellation()
    {
        var path = await FileWith(Line(SampleSnapshots.Complete(1)) + Line(SampleSnapshots.Complete(2)));
        using var cts = new CancellationTokenSource();

        var seen = new List<long>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var s in JsonLinesReader.ReadAsync(path, cts.Token))
            {
                seen.Add(s.ProbeIndex);
                await cts.CancelAsync();
            }
        });

        // Both lines arrive in the first chunk, so cancellation is observed at the next read.
        Assert.Equal([1L, 2L], seen);
    }

    [Fact]
    public async Task EveryPowerOfTwoAndRandomDoublesRoundTripBitForBit()
    {
        // Shell edges of a ratio-2 grid are exact powers of two, where .NET's shortest formatting can fail to round-trip.
        var random = new Random(20_250_314);
        var values = Enumerable.Range(-1074, 2098).Select(e => Math.ScaleB(1.0, e))
            .Concat(Enumerable.Range(0, 4000).Select(_ => BitConverter.Int64BitsToDouble(random.NextInt64())).Where(double.IsFinite))
            .ToArray();
        var shells = values.Select((v, i) => new ShellSnapshot(i, v, -v, v / 3, v, v)).ToArray();
        var path = await FileWith(Line(SampleSnapshots.Complete(1) with { Shells = shells }));

        var read = Assert.Single(await JsonLinesReader.ReadAllAsync(path));

        for (var i = 0; i < values.Length; i++)
        {
            var (expected, actual) = (shells[i], read.Shells[i]);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected.LambdaLower), BitConverter.DoubleToInt64Bits(actual.LambdaLower));
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected.LambdaUpper), BitConverter.DoubleToInt64Bits(actual.LambdaUpper));
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected.Estimate), BitConverter.DoubleToInt64Bits(actual.Estimate));
        }
    }

    [Fact]
    public async Task TheRunIdIsWrittenAfterTheRunNameAndReadBack()
    {
        var line = Line(SampleSnapshots.Complete(1));
        var path = await FileWith(line + Line(SampleSnapshots.Degenerate(2)));

        var read = await JsonLinesReader.ReadAllAsync(path);

        Assert.Contains("\"run\":\"mnist-mlp\",\"run_id\":\"0195941b-3a6e-7c2d-9f41-6b8e2a0c5d17\",\"step\":400,", line);
        Assert.Contains("\"run_id\":null,", Line(SampleSnapshots.Degenerate(2)));
        Assert.Equal(["0195941b-3a6e-7c2d-9f41-6b8e2a0c5d17", null], read.Select(s => s.RunId));
    }

    [Fact]
    public async Task ALineWrittenBeforeTheRunIdExistedReadsAsNoRunIdAtTheSameSchemaVersion()
    {
        var old = Line(SampleSnapshots.Complete(1)).Replace(",\"run_id\":\"0195941b-3a6e-7c2d-9f41-6b8e2a0c5d17\"", "", StringComparison.Ordinal);
        Assert.DoesNotContain("run_id", old);
        Assert.StartsWith("{\"schema_version\":4,", old);
        var path = await FileWith(old);

        var read = Assert.Single(await JsonLinesReader.ReadAllAsync(path));

        Assert.Null(read.RunId);
        SampleSnapshots.AssertEqual(SampleSnapshots.Complete(1) with { RunId = null }, read);
    }

    [Fact]
    public async Task ARunIdOfTheWrongTypeThrowsFormatException()
    {
        var broken = Line(SampleSnapshots.Complete(1)).Replace("\"run_id\":\"0195941b-3a6e-7c2d-9f41-6b8e2a0c5d17\"", "\"run_id\":7", StringComparison.Ordinal);
        var path = await FileWith(broken);

        var ex = await Assert.ThrowsAsync<FormatException>(() => JsonLinesReader.ReadAllAsync(path));

        Assert.Equal($"{path}, line 1: Key 'run_id' must be a string or null, found a number.", ex.Message);
    }

    [Fact]
    public async Task ReadFileAsyncReportsEveryTornLineItSkippedWithItsLineNumber()
    {
        var torn = Line(SampleSnapshots.Complete(2))[..57];
        var last = Line(SampleSnapshots.Complete(5));
        // Lines: 1 ok, 2 torn then terminated by a resumed sink, 3 ok, 4 blank (not reported), 5 ok, 6 torn at the end.
        var path = await FileWith(Line(SampleSnapshots.Complete(1)) + torn + "\n" + Line(SampleSnapshots.Complete(3)) + "\n"
            + Line(SampleSnapshots.Complete(4)) + last[..(last.Length / 2)]);

        var result = await JsonLinesReader.ReadFileAsync(path);

        Assert.Equal([1L, 3L, 4L], result.Snapshots.Select(s => s.ProbeIndex));
        Assert.Equal([new SkippedLine(2, SkippedLineReason.UnfinishedObject), new SkippedLine(6, SkippedLineReason.UnterminatedLastLine)], result.SkippedLines);
        Assert.Equal(
            ["line 2: torn write (unfinished JSON object), skipped", "line 6: torn write (unfinished last line, no newline), skipped"],
            result.SkippedLines.Select(l => l.ToString()));
        Assert.Equal([1L, 3L, 4L], (await JsonLinesReader.ReadAllAsync(path)).Select(s => s.ProbeIndex));
    }

    [Fact]
    public async Task ACleanFileSkipsNothing()
    {
        var path = await FileWith(Line(SampleSnapshots.Complete(1)) + "\n" + Line(SampleSnapshots.Complete(2)));

        var result = await JsonLinesReader.ReadFileAsync(path);

        Assert.Equal(2, result.Snapshots.Count);
        Assert.Empty(result.SkippedLines);
    }

    [Fact]
    public async Task TheStreamingOverloadReportsASkippedLineWhenTheEnumerationPassesIt()
    {
        var torn = Line(SampleSnapshots.Complete(2))[..80];
        var path = await FileWith(Line(SampleSnapshots.Complete(1)) + torn + "\n" + Line(SampleSnapshots.Complete(3)));
        var events = new List<string>();

        await foreach (var s in JsonLinesReader.ReadAsync(path, skipped => events.Add(skipped.ToString())))
        {
            events.Add($"probe {s.ProbeIndex}");
        }

        Assert.Equal(["probe 1", "line 2: torn write (unfinished JSON object), skipped", "probe 3"], events);
    }
}
