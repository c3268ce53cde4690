using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.JsonLines;
using TrainMonitor.Outputs.Logging;
using TrainMonitor.Outputs.Metrics;
using TrainMonitor.Outputs.TensorBoard;
using TrainMonitor.Tests.JsonLines;
using TrainMonitor.Tests.Logging;
using TrainMonitor.Tests.TensorBoard;

namespace TrainMonitor.Tests.Metrics;

/// <summary>
/// The metric table is the single source of the sinks' metrics: every row is well formed, and every sink a row names
/// (TensorBoard, the log, the JSON line and its schema doc) really carries it; the Prometheus side is checked in
/// TrainMonitor.Prometheus.Tests.
/// </summary>
public sealed partial class MetricTableTests
{
    public static TheoryData<string> Names => [.. MetricTable.All.Select(m => m.Name)];

    private static MetricDefinition Row(string name) => MetricTable.All.Single(m => m.Name == name);

    [Fact]
    public void NamesAreUniqueSnakeCaseAndEveryRowReachesAtLeastOneSink()
    {
        Assert.Equal(MetricTable.All.Count, MetricTable.All.Select(m => m.Name).Distinct().Count());
        Assert.All(MetricTable.All, m =>
        {
            Assert.Matches(SnakeCase(), m.Name);
            Assert.False(string.IsNullOrWhiteSpace(m.Help), m.Name);
            Assert.False(string.IsNullOrWhiteSpace(m.Unit), m.Name);
            Assert.True(m.InPrometheus || m.TensorBoard is not null || m.LogProperties.Count > 0, $"{m.Name} is exported nowhere");
        });
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryRowHasTheSelectorsItsKindNeeds(string name)
    {
        var m = Row(name);
        var perProbe = m.Kind is MetricKind.Scalar or MetricKind.Interval or MetricKind.RegimeStateSet or MetricKind.Histogram;
        var perShell = m.Kind is MetricKind.PerShell or MetricKind.PerShellInterval;
        Assert.True(!perProbe || m.Value is not null, $"{name}: no value selector");
        Assert.Equal(m.Kind == MetricKind.Interval, m.Lower is not null && m.Upper is not null);
        Assert.Equal(perShell, m.ShellValue is not null);
        Assert.Equal(m.Kind == MetricKind.PerShellInterval, m.ShellLower is not null && m.ShellUpper is not null);
        Assert.True(m.Kind == MetricKind.Counter || m.JsonPaths.Count > 0, $"{name}: a per-probe quantity the JSON line does not carry");
    }

    [Fact]
    public async Task EveryTensorBoardRowIsWrittenUnderItsTagWhichTensorBoardTagsNames()
    {
        using var dir = new TemporaryDirectory();
        var sink = new TensorBoardSink(dir.Path, tagPrefix: "");
        await sink.WriteAsync(new ProbeCompleted(SampleSnapshots.Complete(3)), default);   // every value finite, frontier and fit determined
        var tags = TfRecordFile.Read(Assert.Single(Directory.GetFiles(dir.Path, "events.out.tfevents.*")))
            .SelectMany(e => e.Values).Select(v => v.Tag).ToHashSet();
        var constants = typeof(TensorBoardTags).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name != nameof(TensorBoardTags.DefaultPrefix)).Select(f => (string)f.GetRawConstantValue()!).ToHashSet();

        foreach (var m in MetricTable.All.Where(m => m.TensorBoard is not null))
        {
            var tag = m.TensorBoard!.Tag;
            Assert.Contains(tag, constants);
            var expected = m.Kind switch
            {
                MetricKind.Interval => [tag, tag + "_lower", tag + "_upper"],
                MetricKind.PerShell or MetricKind.PerShellInterval => m.ShellsOf(SampleSnapshots.Complete(3)).Select(s => $"{tag}/alpha_{s.Index}").ToArray(),
                _ => new[] { tag },
            };
            Assert.NotEmpty(expected);
            Assert.All(expected, t => Assert.Contains(t, tags));
        }
    }

    [Fact]
    public async Task EveryLogPropertyOfTheTableIsAPropertyOfTheProbeEventWithTheValueItSelects()
    {
        var snapshot = SampleSnapshots.Complete(3);
        var logger = new CapturingLogger<LoggingSink>();
        await new LoggingSink(logger).WriteAsync(new ProbeCompleted(snapshot), default);
        var e = logger.Events.Single(x => x.EventId.Id == LoggingSink.ProbeCompletedEventId);

        foreach (var property in MetricTable.All.SelectMany(m => m.LogProperties))
        {
            Assert.Contains(property.Name, e.PropertyNames);
            Assert.Contains("{" + property.Name, e.Template, StringComparison.Ordinal);
            Assert.Equal(property.Value(snapshot), e[property.Name]);
        }
    }

    [Fact]
    public void EveryJsonPathOfTheTableIsInTheLineAndInTheSchemaDoc()
    {
        var doc = File.ReadAllText(SnapshotSchemaDocTests.DocPath);
        using var line = JsonDocument.Parse(Encoding.UTF8.GetString(ProbeSnapshotJson.ToLine(SampleSnapshots.Complete(3))));
        foreach (var path in MetricTable.All.SelectMany(m => m.JsonPaths))
        {
            Assert.Contains($"| `{path}` |", doc, StringComparison.Ordinal);
            var element = line.RootElement;
            foreach (var key in path.Split('.'))
            {
                element = key.EndsWith("[]", StringComparison.Ordinal) ? element.GetProperty(key[..^2])[0] : element.GetProperty(key);
            }

            Assert.NotEqual(JsonValueKind.Undefined, element.ValueKind);
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();
}
