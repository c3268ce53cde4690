using System.Text;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.TensorBoard;
using TrainMonitor.Regimes;
using TrainMonitor.Shells;
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
        var nonFinite = SampleSnapshots.NonFinite(probeIndex: 4) with { Step = 2_000 };   // +∞ frontier upper end, NaN fit, a NaN shell estimate
        var sink = new TensorBoardSink(dir.Path);
        await sink.WriteAsync(new ProbeCompleted(complete), CancellationToken.None);
        await sink.WriteAsync(new ProbeCompleted(nonFinite), CancellationToken.None);
        await sink.FlushAsync(CancellationToken.None);

        var file = Assert.Single(Directory.GetFiles(dir.Path, "events.out.tfevents.*"));
        var events = TfRecordFile.Read(file);                                        // checksums verified while reading
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        var scalars = events.Skip(1).SelectMany(e => e.Values.Select(v => (e.Step, e.WallTime, v.Tag, v.SimpleValue))).ToArray();
        Assert.All(scalars, s => Assert.NotNull(s.SimpleValue));

        var expected = new List<(long Step, string Tag, float Value)>
        {
            // Literal values of SampleSnapshots.Complete, so a sink that wrote the fit as the frontier, or swapped two ends, fails.
            (complete.Step, "trainmonitor/frontier_lambda", 0.0095f),
            (complete.Step, "trainmonitor/frontier_lambda_lower", 0.0071f),
            (complete.Step, "trainmonitor/frontier_lambda_upper", 0.0133f),
            (complete.Step, "trainmonitor/frontier_energy_fraction", 0.5f),
            (complete.Step, "trainmonitor/frontier_fit_lambda", 0.0123f),
            (complete.Step, "trainmonitor/frontier_outlier_energy", 0.0375f),
            (complete.Step, "trainmonitor/error_energy", (float)complete.ErrorEnergy),
            (complete.Step, "trainmonitor/null_energy", (float)complete.NullEnergy),
            (complete.Step, "trainmonitor/kernel_distance", (float)complete.Assessment.KernelDistance),
            (complete.Step, "trainmonitor/kernel_distance_from_first", (float)complete.Assessment.KernelDistanceFromFirst),
            (complete.Step, "trainmonitor/spectral_position", (float)complete.SpectralPosition),
            (complete.Step, "trainmonitor/lambda_max", (float)complete.LambdaMax),
            (complete.Step, "trainmonitor/regime", (float)(int)TrainingRegime.FeatureLearning),
        };
        expected.AddRange(complete.Shells.Select(s => (complete.Step, $"trainmonitor/shell_energy/alpha_{s.Index}", (float)s.Estimate)));
        // The energy budget, literal values of SampleSnapshots.Complete: dissipation and flux per shell, the transport fraction with its ends.
        expected.AddRange(
        [
            (complete.Step, "trainmonitor/shell_dissipation/alpha_-8", 2.5e-5f),
            (complete.Step, "trainmonitor/shell_dissipation/alpha_-7", 3.0e-4f),
            (complete.Step, "trainmonitor/shell_flux/alpha_-8", 0.0224f),
            (complete.Step, "trainmonitor/shell_flux/alpha_-7", 0.0224f),
            (complete.Step, "trainmonitor/transport_fraction", 0.125f),
            (complete.Step, "trainmonitor/transport_fraction_lower", 0.0625f),
            (complete.Step, "trainmonitor/transport_fraction_upper", 0.375f),
            (complete.Step, "trainmonitor/output_change", 0.0375f),
            (complete.Step, "trainmonitor/probe_loss", 0.3456f),
        ]);
        // The second probe: no certified upper end (+∞), no fit cutoff, no shell energy (NaN), no output change (−∞) and no
        // held-out loss (+∞), so those series have a gap at step 2000; the frontier's estimate and lower end are still written.
        expected.AddRange(
        [
            (2_000, "trainmonitor/frontier_lambda", 0.5f),
            (2_000, "trainmonitor/frontier_lambda_lower", 0.125f),
            (2_000, "trainmonitor/frontier_energy_fraction", 0.75f),
            (2_000, "trainmonitor/frontier_outlier_energy", 0f),
            (2_000, "trainmonitor/error_energy", (float)nonFinite.ErrorEnergy),
            (2_000, "trainmonitor/null_energy", (float)nonFinite.NullEnergy),
            (2_000, "trainmonitor/kernel_distance", (float)nonFinite.Assessment.KernelDistance),
            (2_000, "trainmonitor/kernel_distance_from_first", (float)nonFinite.Assessment.KernelDistanceFromFirst),
            (2_000, "trainmonitor/spectral_position", (float)nonFinite.SpectralPosition),
            (2_000, "trainmonitor/lambda_max", (float)nonFinite.LambdaMax),
            (2_000, "trainmonitor/regime", (float)(int)TrainingRegime.LazyStagnant),
            (2_000, "trainmonitor/shell_dissipation/alpha_-8", 2.5e-5f),
            (2_000, "trainmonitor/shell_dissipation/alpha_-7", 3.0e-4f),
            (2_000, "trainmonitor/shell_flux/alpha_-8", 0.0224f),
            (2_000, "trainmonitor/shell_flux/alpha_-7", 0.0224f),
            (2_000, "trainmonitor/transport_fraction", 0.125f),
            (2_000, "trainmonitor/transport_fraction_lower", 0.0625f),
            (2_000, "trainmonitor/transport_fraction_upper", 0.375f),
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

        // The degenerate probe has an exact frontier (three equal ends), its energy fraction and outlier energy, error
        // energy, null energy and regime finite: nothing else is written for it.
        Assert.Equal(
            [
                ("probe/frontier_lambda", 0.25f), ("probe/frontier_lambda_lower", 0.25f), ("probe/frontier_lambda_upper", 0.25f),
                ("probe/frontier_energy_fraction", 0.5f), ("probe/frontier_outlier_energy", 0f),
                ("probe/error_energy", 2.5f), ("probe/null_energy", 0f), ("probe/regime", (float)(int)TrainingRegime.WarmingUp),
            ],
            events.Skip(1).SelectMany(e => e.Values).Select(v => (v.Tag, v.SimpleValue!.Value)).ToArray());
        Assert.Equal("probe/regime", sink.Tag(TensorBoardTags.Regime));
        Assert.Equal(dir.Path, sink.LogDirectory);
    }

    [Fact]
    public async Task An_undetermined_frontier_writes_none_of_its_ends_and_an_undetermined_fit_no_cutoff()
    {
        using var dir = new TemporaryDirectory();
        var sink = new TensorBoardSink(dir.Path);
        // The reasons decide, not the numbers beside them (a snapshot read back from a file may carry stale ones).
        var complete = SampleSnapshots.Complete();
        var snapshot = complete with
        {
            Frontier = complete.Frontier with
            {
                Reason = "all error energy lies below the null floor",
                Fit = complete.Frontier.Fit with { Reason = "profile has fewer than 4 shells" },
            },
        };
        await sink.WriteAsync(new ProbeCompleted(snapshot), CancellationToken.None);

        var file = Assert.Single(Directory.GetFiles(dir.Path, "events.out.tfevents.*"));
        var frontierTags = TfRecordFile.Read(file).Skip(1).SelectMany(e => e.Values)
            .Where(v => v.Tag.StartsWith("trainmonitor/frontier_", StringComparison.Ordinal))
            .Select(v => (v.Tag, v.SimpleValue!.Value))
            .ToArray();
        Assert.Equal([("trainmonitor/frontier_energy_fraction", 0.5f), ("trainmonitor/frontier_outlier_energy", 0.0375f)], frontierTags);
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
