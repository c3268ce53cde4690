using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Probing;
using Validation.Data;
using static TorchSharp.torch;

namespace Validation.Scenarios;

/// <summary>
/// The UCI digits split by a seeded shuffle: 256 held-out probe examples (two probe batches of 128), the rest (or its
/// first <c>trainingExamples</c>) for training, minibatches of 64 drawn with replacement.
/// </summary>
internal sealed class DigitsTask : IScenarioTask
{
    public const int ProbeExamples = 256;
    private const int BatchSize = 64;
    private const int TrainingLossExamples = 256;
    private readonly Tensor _probeX;
    private readonly Tensor _probeY;
    private readonly Tensor _trainX;
    private readonly Tensor _trainY;

    public DigitsTask(int seed, int? trainingExamples)
    {
        var digits = DigitsDataset.Load(DigitsDataset.DefaultPath());
        var order = Enumerable.Range(0, digits.Count).ToArray();
        new Random(seed).Shuffle(order);
        var training = order[ProbeExamples..];
        if (trainingExamples is { } n)
        {
            training = training[..n];
        }

        (_probeX, _probeY) = digits.Take(order[..ProbeExamples]);
        (_trainX, _trainY) = digits.Take(training);
        Probe = ProbeSet.FromTensors(_probeX, _probeY, batchSize: 128);
    }

    public ProbeSet Probe { get; }

    public ErrorFunction Error => ErrorFunctions.CrossEntropy;

    public Tensor MinibatchLoss(nn.Module<Tensor, Tensor> model, Random random)
    {
        var count = (int)_trainX.shape[0];
        using var index = tensor(Enumerable.Range(0, BatchSize).Select(_ => (long)random.Next(count)).ToArray());
        return LossEvaluation.Loss(model.call(_trainX[index]), _trainY[index]);
    }

    public double HeldOutLoss(nn.Module<Tensor, Tensor> model) => LossEvaluation.MeanCrossEntropy(model, _probeX, _probeY);

    public double TrainingLoss(nn.Module<Tensor, Tensor> model)
    {
        var n = Math.Min(TrainingLossExamples, _trainX.shape[0]);
        using var x = _trainX[..(int)n];
        using var y = _trainY[..(int)n];
        return LossEvaluation.MeanCrossEntropy(model, x, y);
    }

    public void Dispose()
    {
        Probe.Dispose();
        _probeX.Dispose();
        _probeY.Dispose();
        _trainX.Dispose();
        _trainY.Dispose();
    }
}
