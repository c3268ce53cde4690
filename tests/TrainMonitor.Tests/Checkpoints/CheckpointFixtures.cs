using TorchSharp;
using TrainMonitor.Probing;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Checkpoints;

/// <summary>
/// A small float64 regression MLP whose weights are plain arrays (what a checkpoint file holds), and its probe set; every
/// number from private generators, never the global RNG.
/// </summary>
internal static class CheckpointFixtures
{
    public const int Inputs = 4;

    public const int Outputs = 2;

    /// <summary>Linear(4, 8) → Tanh → Linear(8, 2), float64 (its initial weights are overwritten by <see cref="Load"/>).</summary>
    public static nn.Module<Tensor, Tensor> Mlp() => nn.Sequential(
        ("fc1", nn.Linear(Inputs, 8, dtype: ScalarType.Float64)),
        ("act", nn.Tanh()),
        ("fc2", nn.Linear(8, Outputs, dtype: ScalarType.Float64)));

    /// <summary>The MLP holding <paramref name="weights"/>.</summary>
    public static nn.Module<Tensor, Tensor> Mlp(double[][] weights)
    {
        var model = Mlp();
        Load(model, weights);
        return model;
    }

    /// <summary>Weights of the MLP drawn from N(0, 1/2) with a private generator.</summary>
    public static double[][] RandomWeights(ulong seed)
    {
        using var model = Mlp();
        using var generator = new Generator(seed);
        using var scope = NewDisposeScope();
        return model.parameters().Select(p => (randn(p.shape, dtype: ScalarType.Float64, generator: generator) * 0.7).data<double>().ToArray()).ToArray();
    }

    /// <summary>The weights of <paramref name="model"/>, parameter by parameter.</summary>
    public static double[][] WeightsOf(nn.Module<Tensor, Tensor> model) =>
        model.parameters().Select(p => p.detach().cpu().data<double>().ToArray()).ToArray();

    /// <summary>Overwrites every parameter of <paramref name="model"/> with <paramref name="weights"/>.</summary>
    public static void Load(nn.Module<Tensor, Tensor> model, double[][] weights)
    {
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            foreach (var (parameter, values) in model.parameters().Zip(weights))
            {
                parameter.copy_(tensor(values, dtype: ScalarType.Float64).reshape(parameter.shape));
            }
        }
    }

    /// <summary>Inputs and targets from N(0, 1), drawn with a private generator.</summary>
    public static (Tensor Inputs, Tensor Targets) Data(int count, ulong seed)
    {
        using var generator = new Generator(seed);
        return (randn(new long[] { count, Inputs }, dtype: ScalarType.Float64, generator: generator),
            randn(new long[] { count, Outputs }, dtype: ScalarType.Float64, generator: generator));
    }

    /// <summary>A probe set of <paramref name="count"/> examples in batches of <paramref name="batchSize"/>.</summary>
    public static ProbeSet Probe(int count = 32, int batchSize = 16, ulong seed = 99)
    {
        using var scope = NewDisposeScope();
        var (x, y) = Data(count, seed);
        return ProbeSet.FromTensors(x, y, batchSize);
    }
}
