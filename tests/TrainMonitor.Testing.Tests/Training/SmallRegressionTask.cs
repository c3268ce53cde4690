using TorchSharp;
using TrainMonitor.Probing;
using static TorchSharp.torch;

namespace TrainMonitor.Testing.Tests.Training;

/// <summary>
/// A seconds-long regression: an MLP 8-32-1 (tanh) learning a fixed random teacher y = tanh(x·w) + 0.5·x·v on Gaussian inputs
/// whose variances fall as k^(−1), probed on 128 held-out examples. Everything is drawn from seeded generators.
/// </summary>
internal sealed class SmallRegressionTask : IDisposable
{
    public const int Dimension = 8;

    private readonly List<Tensor> _owned = [];

    public SmallRegressionTask(int trainingBatches = 4, int batchSize = 64, long seed = 7)
    {
        using var generator = new Generator((ulong)seed);
        var scales = arange(1, Dimension + 1, dtype: ScalarType.Float32).pow(-0.5);
        var w = randn([Dimension], generator: generator);
        var v = randn([Dimension], generator: generator);
        (Tensor X, Tensor Y) Draw(int n)
        {
            var x = randn([n, Dimension], generator: generator) * scales;
            var y = (tanh(x.mv(w)) + 0.5f * x.mv(v)).unsqueeze(1);
            _owned.Add(x.DetachFromDisposeScope());
            _owned.Add(y.DetachFromDisposeScope());
            return (x, y);
        }

        var batches = new List<(Tensor, Tensor)>();
        for (var i = 0; i < trainingBatches; i++)
        {
            batches.Add(Draw(batchSize));
        }

        Batches = batches;
        var (px, py) = Draw(128);
        Probe = ProbeSet.FromTensors(px, py, batchSize: 128);
        scales.Dispose();
        w.Dispose();
        v.Dispose();
    }

    public IReadOnlyList<(Tensor Input, Tensor Target)> Batches { get; }

    public ProbeSet Probe { get; }

    /// <summary>A fresh model with weights from the global stream seeded with <paramref name="seed"/> (callers are in the global-state collection).</summary>
    public static nn.Module<Tensor, Tensor> CreateModel(long seed = 1)
    {
        torch.manual_seed(seed);
        return nn.Sequential(nn.Linear(Dimension, 32), nn.Tanh(), nn.Linear(32, 1));
    }

    public void Dispose()
    {
        Probe.Dispose();
        foreach (var t in _owned)
        {
            t.Dispose();
        }
    }
}
