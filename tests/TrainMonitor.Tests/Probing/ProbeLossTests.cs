using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Probing;
using TrainMonitor.Tests.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Probing;

/// <summary>
/// The probe's held-out loss against libtorch's own losses on the same batches: the validation loss a training script
/// would compute, averaged over the probe batches.
/// </summary>
public sealed class ProbeLossTests
{
    [Fact]
    public void Cross_entropy_probe_loss_is_the_mean_cross_entropy_of_each_batch_averaged_over_batches()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Mlp(11);
        var (x1, _, c1) = TestModels.MlpBatch(12);
        var (x2, _, c2) = TestModels.MlpBatch(13);
        var result = SpectralProbe.Run(model, [new ProbeBatch(x1, c1), new ProbeBatch(x2, c2)], ErrorFunctions.CrossEntropy);

        double expected;
        using (no_grad())
        {
            expected = 0.5 * (nn.functional.cross_entropy(model.call(x1), c1).item<double>() + nn.functional.cross_entropy(model.call(x2), c2).item<double>());
        }

        // Float64 model: the two routes sum the same six surprisals in a different order.
        Assert.Equal(expected, result.ProbeLoss, 1e-13);
    }

    [Fact]
    public void Squared_error_probe_loss_is_the_mean_squared_error_and_equals_the_error_energy()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Mlp(21);
        var (x, y, _) = TestModels.MlpBatch(22);
        var result = SpectralProbe.Run(model, [new ProbeBatch(x, y)], ErrorFunctions.SquaredError);

        double expected;
        using (no_grad())
        {
            expected = nn.functional.mse_loss(model.call(x), y).item<double>();
        }

        Assert.Equal(expected, result.ProbeLoss, 1e-13);
        Assert.Equal(result.ErrorEnergy, result.ProbeLoss, 1e-12 * result.ErrorEnergy);
    }
}
