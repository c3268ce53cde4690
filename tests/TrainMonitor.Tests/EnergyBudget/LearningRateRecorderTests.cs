using TrainMonitor.EnergyBudget;
using TrainMonitor.Session;
using Xunit;

namespace TrainMonitor.Tests.EnergyBudget;

public sealed class LearningRateRecorderTests
{
    [Fact]
    public void The_path_between_probes_holds_each_step_rate_run_length_encoded()
    {
        var recorder = new LearningRateRecorder();
        recorder.Record(1, 0.1);
        Assert.Null(recorder.Take(1)); // the first probe has nothing before it
        for (var step = 2; step <= 5; step++)
        {
            recorder.Record(step, 0.1);
        }

        recorder.Record(6, 0.05);
        recorder.Record(7, 0.05);

        var path = recorder.Take(7);

        Assert.NotNull(path);
        Assert.Equal([new RateSegment(0.1, 4), new RateSegment(0.05, 2)], path.Segments);
        Assert.Equal(6, path.Steps);
    }

    [Fact]
    public void A_gap_in_the_steps_takes_the_rate_reported_at_its_end()
    {
        var recorder = new LearningRateRecorder();
        recorder.Take(10);
        recorder.Record(20, 0.1);
        recorder.Record(30, 0.2);

        Assert.Equal([new RateSegment(0.1, 10), new RateSegment(0.2, 10)], recorder.Take(30)!.Segments);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(double.NaN)]
    public void A_step_without_a_finite_rate_leaves_the_path_unknown_until_the_next_probe(double? missing)
    {
        var recorder = new LearningRateRecorder();
        recorder.Take(1);
        recorder.Record(2, 0.1);
        recorder.Record(3, missing);
        recorder.Record(4, 0.1);
        Assert.Null(recorder.Take(4));

        recorder.Record(5, 0.1);
        Assert.Equal(1, recorder.Take(5)!.Steps);
    }

    [Fact]
    public void Steps_that_repeat_or_do_not_reach_the_probe_leave_the_path_unknown()
    {
        var recorder = new LearningRateRecorder();
        recorder.Take(1);
        recorder.Record(2, 0.1);
        recorder.Record(2, 0.1);
        Assert.Null(recorder.Take(3));
        recorder.Record(4, 0.1);
        Assert.Null(recorder.Take(5));
    }
}
