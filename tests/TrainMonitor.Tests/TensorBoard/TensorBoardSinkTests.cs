using System.Text;
using TrainMonitor.Monitoring;
using TrainMonitor.Monitoring.TensorBoard;
using TrainMonitor.Regimes;
using TrainMonitor.Tests.JsonLines;

namespace TrainMonitor.Tests.TensorBoard;

public sealed class TensorBoardSinkTests
{
    [Fact]
    public void Crc32C_of_the_reference_string_matches_the_published_check_value()
    {
        // RFC 3720 (iSCSI) / the CRC catalogue: CRC-32C("123456789") = 0xE3069283.
        Assert.Equal(0xE3069283u, TfRecordFile.Crc32C("123456789"u8));
    }

    [Fact]
    public async Task Every_probe_becomes_scalar_records_with_the_snapshot_values_at_its_step()
    {
        using var dir = new TemporaryDirectory();
        var complete = SampleSnapshots.Complete(probeIndex: 3);                        // every value finite, frontier determined
        var undetermined = SampleSnapshots.NonFinite(probeIndex: 4) with { Step = 2_000 }; // NaN frontier, a NaN shell estimate
        var sink = new TensorBoardSink(dir.Path);
        await sink.WriteAsync(new ProbeCompleted(complete), CancellationToken.None);
        await sink.WriteAsync(new ProbeCompleted(undetermined), CancellationToken.None);
        await sink.FlushAsync(CancellationToken.None);

        var file = Assert.Single(Directory.GetFiles(dir.Path, "events.out.tfevents.*"));
        var events = TfRecordFile.Read(file);                                        // checksums verified while reading
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        var scalars = events.Skip(1).SelectMany(e => e.Values.Select(v => (e.Step, e.WallTime, v.Tag, v.SimpleValue))).ToArray();
        Assert.All(scalars, s => Assert.NotNull(s.SimpleValue));

        var expected = new List<(long Step, string Tag, float Value)>
        {
            (complete.Step, "trainmonitor/frontier_lambda", (float)complete.Frontier.Lambda),
            (complete.Step, "trainmonitor/error_energy", (float)complete.ErrorEnergy),
            (complete.Step, "trainmonitor/null_energy", (float)complete.NullEnergy),
            (complete.Step, "trainmonitor/kernel_distance", (float)complete.Assessment.KernelDistance),
            (complete.Step, "trainmonitor/kernel_distance_from_first", (float)complete.Assessment.KernelDistanceFromFirst),
            (complete.Step, "trainmonitor/spectral_position", (float)complete.SpectralPosition),
            (complete.Step, "trainmonitor/lambda_max", (float)complete.LambdaMax),
            (complete.Step, "trainmonitor/regime", (float)(int)TrainingRegime.FeatureLearning),
        };
        expected.AddRange(complete.Shells.Select(s => (complete.Step, $"trainmonitor/shell_energy/alpha_{s.Index}", (float)s.Estimate)));
        // The second probe: no frontier and no shell energy (both NaN), so those series have a gap at step 2000.
        expected.AddRange(
        [
            (2_000, "trainmonitor/error_energy", (float)undetermined.ErrorEnergy),
            (2_000, "trainmonitor/null_energy", (float)undetermined.NullEnergy),
            (2_000, "trainmonitor/kernel_distance", (float)undetermined.Assessment.KernelDistance),
            (2_000, "trainmonitor/kernel_distance_from_first", (float)undetermined.Assessment.KernelDistanceFromFirst),
            (2_000, "trainmonitor/spectral_position", (float)undetermined.SpectralPosition),
            (2_000, "trainmonitor/lambda_max", (float)undetermined.LambdaMax),
            (2_000, "trainmonitor/regime", (float)(int)TrainingRegime.LazyStagnant),
        ]);

        Assert.Equal(expected, scalars.Select(s => (s.Step, s.Tag, s.SimpleValue!.Value)).ToList());
        Assert.All(scalars.Where(s => s.Step == complete.Step), s => Assert.Equal(complete.Timestamp.ToUnixTimeSeconds(), s.WallTime));
    }

    [Fact]
    public async Task A_regime_change_is_a_text_record_and_the_prefix_is_configurable()
    {
        using var dir = new TemporaryDirectory();
        var sink = new TensorBoardSink(dir.Path, tagPrefix: "probe");
        var changed = new RegimeChanged("mnist", 1_200, DateTimeOffset.UnixEpoch.AddDays(1), TrainingRegime.FeatureLearning,
            TrainingRegime.LazyProgressing, "kernel velocity 0.001 below 0.02");
        await sink.WriteAsync(changed, CancellationToken.None);
        await sink.WriteAsync(new ProbeCompleted(SampleSnapshots.Degenerate()), CancellationToken.None);

        var file = Assert.Single(Directory.GetFiles(dir.Path, "events.out.tfevents.*"));
        var events = TfRecordFile.Read(file).Skip(1).ToArray();
        var text = events[0];
        Assert.Equal(1_200, text.Step);
        // TorchSharp, like PyTorch, files text under "<tag>/text_summary".
        Assert.Equal("probe/regime_change/text_summary", Assert.Single(text.Values).Tag);
        Assert.Contains("feature_learning → lazy_progressing: kernel velocity 0.001 below 0.02", Encoding.UTF8.GetString(File.ReadAllBytes(file)));

        // The degenerate probe has only finite error energy, null energy and regime: nothing else is written for it.
        Assert.Equal(["probe/error_energy", "probe/null_energy", "probe/regime"], events.Skip(1).SelectMany(e => e.Values).Select(v => v.Tag).ToArray());
        Assert.Equal("probe/regime", sink.Tag(TensorBoardTags.Regime));
        Assert.Equal(dir.Path, sink.LogDirectory);
    }

    [Fact]
    public async Task A_step_beyond_what_TorchSharp_can_record_is_refused_not_wrapped()
    {
        using var dir = new TemporaryDirectory();
        var sink = new TensorBoardSink(dir.Path);
        var huge = SampleSnapshots.Complete() with { Step = (long)int.MaxValue + 1 };
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => sink.WriteAsync(new ProbeCompleted(huge), CancellationToken.None).AsTask());
    }
}
