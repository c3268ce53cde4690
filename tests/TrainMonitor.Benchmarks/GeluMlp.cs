using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TrainMonitor.Benchmarks;

/// <summary>An MLP with GELU between layers, parameters drawn from a seeded generator (PyTorch's default bounds).</summary>
internal static class GeluMlp
{
    /// <summary>Builds the MLP with layer widths <paramref name="widths"/> in <paramref name="dtype"/>.</summary>
    public static nn.Module<Tensor, Tensor> Create(int[] widths, Generator generator, ScalarType dtype)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (var i = 0; i + 1 < widths.Length; i++)
        {
            var linear = nn.Linear(widths[i], widths[i + 1], dtype: dtype);
            var bound = 1.0 / Math.Sqrt(widths[i]);
            SeededUniform.Fill(linear.weight!, bound, generator);
            SeededUniform.Fill(linear.bias!, bound, generator);
            layers.Add(($"linear{i}", linear));
            if (i + 2 < widths.Length)
            {
                layers.Add(($"gelu{i}", nn.GELU()));
            }
        }

        return nn.Sequential(layers);
    }
}
