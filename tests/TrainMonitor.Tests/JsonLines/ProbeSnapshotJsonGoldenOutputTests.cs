using System.Text;
using TrainMonitor.Outputs.JsonLines;
using TrainMonitor.Tests.Golden;

namespace TrainMonitor.Tests.JsonLines;

/// <summary>The JSON lines of the sample snapshots, against the golden copy captured before the metric table existed.</summary>
public sealed class ProbeSnapshotJsonGoldenOutputTests
{
    [Fact]
    public void TheLinesOfTheSampleSnapshotsMatchTheGoldenCopy()
    {
        var lines = new[] { SampleSnapshots.Complete(3), SampleSnapshots.NonFinite(4), SampleSnapshots.Degenerate(5) }
            .Select(s => Encoding.UTF8.GetString(ProbeSnapshotJson.ToLine(s)));

        GoldenFile.AssertMatches("json-lines", string.Concat(lines));
    }
}
