using TrainMonitor.Session;

namespace TrainMonitor.Tests.Session;

/// <summary>The training loss a probe sees is the mean of the losses reported since the previous probe.</summary>
public sealed class TrainingLossRecorderTests
{
    [Fact]
    public void The_mean_of_the_reported_losses_since_the_last_take_and_null_when_none_was_reported()
    {
        var recorder = new TrainingLossRecorder();
        Assert.Null(recorder.Take());

        recorder.Record(1.0);
        recorder.Record(null);
        recorder.Record(2.0);
        recorder.Record(6.0);
        Assert.Equal(3.0, recorder.Take());

        recorder.Record(0.5);
        Assert.Equal(0.5, recorder.Take());
        Assert.Null(recorder.Take());
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void A_non_finite_loss_makes_the_interval_diverged_until_the_next_take(double loss)
    {
        var recorder = new TrainingLossRecorder();
        recorder.Record(1.0);
        recorder.Record(loss);
        recorder.Record(1.0);
        Assert.Equal(double.PositiveInfinity, recorder.Take());

        recorder.Record(4.0);
        Assert.Equal(4.0, recorder.Take());
    }
}
