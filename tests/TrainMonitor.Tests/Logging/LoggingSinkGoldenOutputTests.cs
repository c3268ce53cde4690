using System.Globalization;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.Logging;
using TrainMonitor.Regimes;
using TrainMonitor.Tests.Golden;
using TrainMonitor.Tests.JsonLines;

namespace TrainMonitor.Tests.Logging;

/// <summary>
/// Every event the logging sink writes for a fixed sequence of events — level, id, each property with its type and value in
/// order, and the rendered message — against the golden copy captured before the sink walked the metric table.
/// </summary>
public sealed class LoggingSinkGoldenOutputTests
{
    [Theory]
    [InlineData("")]
    [InlineData("de-DE")]
    public async Task TheEventsOfAFixedSequenceMatchTheGoldenCopy(string culture)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            var logger = new CapturingLogger<LoggingSink>();
            var sink = new LoggingSink(logger);
            var t = new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero);
            MonitorEvent[] events =
            [
                new ProbeCompleted(SampleSnapshots.Complete(7)),
                new ProbeCompleted(SampleSnapshots.Complete(8)),
                new ProbeCompleted(SampleSnapshots.NonFinite(9)),
                new ProbeCompleted(SampleSnapshots.Degenerate(1)),
                new RegimeChanged("mnist-mlp", 3_200, t, TrainingRegime.FeatureLearning, TrainingRegime.LazyStagnant, "kernel frozen, frontier stalled"),
                new RegimeChanged("mnist-mlp", 3_600, t, TrainingRegime.LazyStagnant, TrainingRegime.LazyProgressing, "frontier moving"),
                new ProbeFailed("mnist-mlp", 4_000, t, "OutOfMemoryException", "CUDA out of memory", 2),
                // A libtorch message with its C++ stack, as an event built outside the monitor might carry: logged as its first line.
                new ProbeFailed("mnist-mlp", 4_200, t, "ExternalException",
                    "mat1 and mat2 shapes cannot be multiplied (16x2 and 5x5)\nException raised from meta at /pytorch/aten/src/ATen/native/LinearAlgebra.cpp:190 (most recent call first):\nframe #0: c10::Error::Error(c10::SourceLocation, std::string) + 0x9c",
                    3),
                new ProbeSkipped("mnist-mlp", 4_400, t, "previous probe still running", 5),
                new RegimeChanged("mnist-mlp", 4_800, t, TrainingRegime.FeatureLearning, TrainingRegime.Overfitting,
                    "overfitting: held-out error rising beyond its noise while the training loss falls; the best held-out model was at step 3600"),
                new RegimeChanged("other-run", 300, t, TrainingRegime.WarmingUp, TrainingRegime.NotLearning, "not learning: the outputs stand still"),
            ];
            foreach (var e in events)
            {
                await sink.WriteAsync(e, default);
            }

            GoldenFile.AssertMatches("logging-events" + (culture.Length == 0 ? "" : "." + culture), Describe(logger.Events));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    private static string Describe(IEnumerable<CapturedLogEvent> events)
    {
        var text = new System.Text.StringBuilder();
        foreach (var e in events)
        {
            text.Append(CultureInfo.InvariantCulture, $"{e.Level} {e.EventId.Id} {e.EventId.Name}\n");
            foreach (var (key, value) in e.State)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {key} = {value?.GetType().Name}:{Format(value)}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"  message: {e.Message}\n");
        }

        return text.ToString();
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s => s,
        System.Collections.IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Format)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
