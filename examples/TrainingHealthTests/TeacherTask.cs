using TorchSharp;
using TrainMonitor.Probing;
using static TorchSharp.torch;

namespace TrainingHealthTests;

/// <summary>
/// The team's stand-in for its real data: regression on inputs whose covariance falls as k^(−a), against a teacher that
/// puts energy k^(−b) in mode k plus a mild nonlinearity (the setting in which shell profiles have a closed-form
/// expectation). Fixed training batches and a fixed held-out probe set, all drawn from a seeded generator.
/// </summary>
internal sealed class TeacherTask : IDisposable
{
    private readonly List<Tensor> _owned = [];

    public TeacherTask(int dimension = 32, int trainingExamples = 2048, int batchSize = 128, int probeExamples = 256,
        double covarianceExponent = 1.5, double teacherExponent = 2.0, long seed = 11)
    {
        Dimension = dimension;
        using var generator = new Generator((ulong)seed);
        using var k = arange(1, dimension + 1, dtype: ScalarType.Float32);
        using var scales = k.pow(-covarianceExponent / 2);
        // Energy in mode k is λ_k w_k² ∝ k^(−b): w_k² ∝ k^(a−b).
        using var signs = randint(0, 2, [dimension], generator: generator).to_type(ScalarType.Float32) * 2 - 1;
        using var teacher = signs * k.pow((covarianceExponent - teacherExponent) / 2);

        (Tensor X, Tensor Y) Draw(int n)
        {
            using var scope = NewDisposeScope();
            var x = randn([n, dimension], generator: generator) * scales;
            var linear = x.mv(teacher);
            var y = (linear + 0.5f * tanh(2 * linear)).unsqueeze(1);
            var kept = (x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
            return kept;
        }

        var batches = new List<(Tensor, Tensor)>();
        for (var i = 0; i < trainingExamples / batchSize; i++)
        {
            var (x, y) = Draw(batchSize);
            _owned.Add(x);
            _owned.Add(y);
            batches.Add((x, y));
        }

        Batches = batches;
        var (px, py) = Draw(probeExamples);
        Probe = ProbeSet.FromTensors(px, py, batchSize: probeExamples);
        px.Dispose();
        py.Dispose();
    }

    public int Dimension { get; }

    /// <summary>Training batches (input, target), cycled by the training loop.</summary>
    public IReadOnlyList<(Tensor Input, Tensor Target)> Batches { get; }

    /// <summary>The fixed held-out probe set.</summary>
    public ProbeSet Probe { get; }

    /// <summary>An MLP Dimension-width-width-1 with tanh, weights from the global stream seeded with <paramref name="seed"/>.</summary>
    public nn.Module<Tensor, Tensor> CreateModel(int width = 128, long seed = 1)
    {
        torch.manual_seed(seed);
        return nn.Sequential(nn.Linear(Dimension, width), nn.Tanh(), nn.Linear(width, width), nn.Tanh(), nn.Linear(width, 1));
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
