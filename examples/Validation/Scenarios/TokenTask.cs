using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Probing;
using Validation.Data;
using static TorchSharp.torch;

namespace Validation.Scenarios;

/// <summary>
/// The Zipfian token language (vocabulary 48, 4 topics, copy lag 2): a probe of 16 held-out sequences in two batches,
/// fresh minibatches of 32 sequences from the training sampler. Lag 2, not RealDataCase's 8: with lag 8 the held-out
/// loss sat on a plateau from step ~200 to ~1800 (length 16, AdamW 3e-3; measured) before the copy was learned, so a
/// "healthy" run of affordable length would have been a flat one; with lag 2 it falls steadily to step ~1000. Probe and training-loss sample come from their own
/// random streams, so they never shift the training minibatches.
/// </summary>
internal sealed class TokenTask : IScenarioTask
{
    public const int Vocabulary = 48;
    private const int ProbeSequences = 16;
    private const int BatchSize = 32;
    private readonly Tensor _probeX;
    private readonly Tensor _probeY;
    private readonly Tensor _trainX;
    private readonly Tensor _trainY;
    private readonly ZipfLanguage _language;

    public TokenTask(int seed, int length)
    {
        Length = length;
        _language = new ZipfLanguage(Vocabulary, topics: 4, length: length, lag: 2, copy: 0.3, seed: seed);
        (_probeX, _probeY) = Sample(ProbeSequences, new Random(seed + 7919));
        (_trainX, _trainY) = Sample(64, new Random(seed + 104729));
        Probe = ProbeSet.FromTensors(_probeX, _probeY, batchSize: ProbeSequences / 2);
    }

    public int Length { get; }

    /// <summary>A sample kept for the task's lifetime; the scope frees the token table <see cref="ZipfLanguage.Sample"/> leaves behind.</summary>
    private (Tensor Input, Tensor Target) Sample(int count, Random random)
    {
        using var scope = NewDisposeScope();
        var (x, y) = _language.Sample(count, random);
        return (x.DetachFromDisposeScope(), y.DetachFromDisposeScope());
    }

    public ProbeSet Probe { get; }

    public ErrorFunction Error => ErrorFunctions.CrossEntropyPerToken;

    public Tensor MinibatchLoss(nn.Module<Tensor, Tensor> model, Random random)
    {
        var (x, y) = _language.Sample(BatchSize, random);
        using (x)
        using (y)
        {
            return LossEvaluation.Loss(model.call(x), y);
        }
    }

    public double HeldOutLoss(nn.Module<Tensor, Tensor> model) => LossEvaluation.MeanCrossEntropy(model, _probeX, _probeY);

    public double TrainingLoss(nn.Module<Tensor, Tensor> model) => LossEvaluation.MeanCrossEntropy(model, _trainX, _trainY);

    public void Dispose()
    {
        Probe.Dispose();
        _probeX.Dispose();
        _probeY.Dispose();
        _trainX.Dispose();
        _trainY.Dispose();
    }
}
