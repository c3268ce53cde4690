using System.Buffers.Binary;
using CheckpointModels;
using static TorchSharp.torch;

namespace TrainMonitor.Cli.Tests.Checkpoints;

/// <summary>The committed fixtures under <c>examples/checkpoints</c>, found from the test output by walking up to TrainMonitor.sln.</summary>
internal static class CheckpointFixtures
{
    public const int ProbeTokenCount = 20_000;

    public static string Folder { get; } = Path.Combine(FindRoot(), "examples", "checkpoints");

    public static string PathOf(params string[] parts) => Path.Combine([Folder, .. parts]);

    public static string TorchScript(string model, int step) => PathOf(model, "torchscript", CheckpointSeries.FileStem(step) + ".pt");

    public static string StateDict(string model, int step) => PathOf(model, "pytorch", CheckpointSeries.FileStem(step) + ".pth");

    /// <summary>The TorchSharp twin of a Python fixture model, with its default (untrained) parameters.</summary>
    public static nn.Module<Tensor, Tensor> CreateTwin(string model) => model switch
    {
        "transformer" => new TinyTransformer(),
        "mlp" => new TokenMlp(),
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "Not a fixture model."),
    };

    /// <summary>How many tokens one window of <paramref name="model"/> holds: its context and the token after it.</summary>
    public static int WindowWidth(string model) => model switch
    {
        "transformer" => TokenLanguage.TransformerContext + 1,
        "mlp" => TokenLanguage.MlpContext + 1,
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "Not a fixture model."),
    };

    /// <summary>The ids of <c>tokens/probe.bin</c> (raw uint16, little-endian).</summary>
    public static long[] ProbeTokens()
    {
        var bytes = File.ReadAllBytes(PathOf("tokens", "probe.bin"));
        var ids = new long[bytes.Length / sizeof(ushort)];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i * sizeof(ushort)));
        }

        return ids;
    }

    /// <summary>
    /// The probe stream cut into consecutive non-overlapping windows of <paramref name="width"/> tokens, <c>[N, width]</c>
    /// int64: the windows generate.py scored its probe losses on.
    /// </summary>
    public static Tensor ProbeWindows(int width)
    {
        var ids = ProbeTokens();
        var count = ids.Length / width;
        return tensor(ids.AsSpan(0, count * width).ToArray(), [count, width], ScalarType.Int64);
    }

    /// <summary>Mean next-token cross-entropy of <paramref name="model"/> on probe windows (last column: the target).</summary>
    public static double CrossEntropy(string name, nn.IModule<Tensor, Tensor> model, Tensor windows)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var context = windows[.., ..^1];
        var loss = name == "transformer"
            ? nn.functional.cross_entropy(model.call(context).reshape(-1, TokenLanguage.Vocabulary), windows[.., 1..].reshape(-1))
            : nn.functional.cross_entropy(model.call(context), windows[.., ^1]);
        return loss.item<float>();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TrainMonitor.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Repository root (TrainMonitor.sln) not found above " + AppContext.BaseDirectory);
    }
}
