using TorchSharp;
using static TorchSharp.torch;

namespace TrainMonitor.Benchmarks;

/// <summary>The models the suites measure, built from fixed seeds.</summary>
internal static class BenchmarkModels
{
    /// <summary>An MLP with the given layer widths and ReLU between layers.</summary>
    public static nn.Module<Tensor, Tensor> Mlp(int[] widths, long seed, ScalarType dtype)
    {
        manual_seed(seed);
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (var i = 0; i + 1 < widths.Length; i++)
        {
            layers.Add(($"linear{i}", nn.Linear(widths[i], widths[i + 1])));
            if (i + 2 < widths.Length)
            {
                layers.Add(($"relu{i}", nn.ReLU()));
            }
        }

        var model = nn.Sequential(layers);
        model.to(dtype);
        return model;
    }

    /// <summary>A second instance with the same weights (TorchSharp has no deep copy).</summary>
    public static nn.Module<Tensor, Tensor> CopyOf(nn.Module<Tensor, Tensor> model, Func<nn.Module<Tensor, Tensor>> factory)
    {
        var copy = factory();
        copy.load_state_dict(model.state_dict());
        return copy;
    }
}
