using System.Globalization;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.TensorBoard;
using TrainMonitor.Regimes;
using TrainMonitor.Tests.Golden;
using TrainMonitor.Tests.JsonLines;

namespace TrainMonitor.Tests.TensorBoard;

/// <summary>
/// Every record the TensorBoard sink writes for a fixed sequence of probes (step, wall time, tag, value), against the golden
/// copy captured before the sink walked the metric table.
/// </summary>
public sealed class TensorBoardSinkGoldenOutputTests
{
    [Fact]
    public async Task TheRecordsOfAFixedSequenceMatchTheGoldenCopy()
    {
        using var dir = new TemporaryDirectory();
        var sink = new TensorBoardSink(dir.Path);
        MonitorEvent[] events =
        [
            new ProbeCompleted(SampleSnapshots.Complete(3)),
            new ProbeCompleted(SampleSnapshots.NonFinite(4) with { Step = 2_000 }),
            new ProbeCompleted(SampleSnapshots.Degenerate(5) with { Step = 2_400 }),
            new RegimeChanged("mnist-mlp", 2_800, DateTimeOffset.UnixEpoch.AddDays(1), TrainingRegime.FeatureLearning, TrainingRegime.LazyStagnant, "stalled"),
            // The regimes added later keep their enum codes (5 and 6) in the regime series.
            new ProbeCompleted(SampleSnapshots.Complete(8) with { Assessment = SampleSnapshots.Complete(8).Assessment with { Regime = TrainingRegime.Overfitting } }),
            new ProbeCompleted(SampleSnapshots.Degenerate(9) with { Step = 3_600, Assessment = SampleSnapshots.Degenerate(9).Assessment with { Regime = TrainingRegime.NotLearning } }),
        ];
        foreach (var e in events)
        {
            await sink.WriteAsync(e, CancellationToken.None);
        }

        await sink.FlushAsync(CancellationToken.None);

        var file = Assert.Single(Directory.GetFiles(dir.Path, "events.out.tfevents.*"));
        var text = new System.Text.StringBuilder();
        foreach (var record in TfRecordFile.Read(file).Skip(1))
        {
            foreach (var value in record.Values)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"{record.Step} {record.WallTime.ToString("R", CultureInfo.InvariantCulture)} {value.Tag} {value.SimpleValue?.ToString("R", CultureInfo.InvariantCulture) ?? "(not a scalar)"}\n");
            }
        }

        GoldenFile.AssertMatches("tensorboard-records", text.ToString());
    }
}
