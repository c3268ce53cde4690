using System.IO.Compression;
using System.Globalization;
using static TorchSharp.torch;

namespace Validation.Data;

/// <summary>
/// The UCI optical handwritten digits (1797 examples of 8×8 pixels 0–16, labels 0–9), vendored in
/// <c>examples/data/digits.csv.gz</c> (origin and licence in examples/data/README.md). Pixels are scaled to [0, 1].
/// </summary>
internal sealed class DigitsDataset
{
    private DigitsDataset(float[] pixels, long[] labels)
    {
        Pixels = pixels;
        Labels = labels;
    }

    public float[] Pixels { get; }

    public long[] Labels { get; }

    public int Count => Labels.Length;

    public static DigitsDataset Load(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var pixels = new List<float>();
        var labels = new List<long>();
        while (reader.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length != 65)
            {
                throw new InvalidDataException($"Expected 65 comma-separated values per row in {path}, got {fields.Length}.");
            }

            for (var i = 0; i < 64; i++)
            {
                pixels.Add(float.Parse(fields[i], CultureInfo.InvariantCulture) / 16f);
            }

            labels.Add((long)double.Parse(fields[64], CultureInfo.InvariantCulture));
        }

        return new DigitsDataset([.. pixels], [.. labels]);
    }

    /// <summary>Rows <paramref name="indices"/> as a float tensor [n, 64] and labels [n].</summary>
    public (Tensor Input, Tensor Target) Take(IReadOnlyList<int> indices)
    {
        var x = new float[indices.Count * 64];
        var y = new long[indices.Count];
        for (var r = 0; r < indices.Count; r++)
        {
            Array.Copy(Pixels, indices[r] * 64, x, r * 64, 64);
            y[r] = Labels[indices[r]];
        }

        return (tensor(x, new long[] { indices.Count, 64 }), tensor(y));
    }

    /// <summary>Locates the vendored file: next to the executable (copied by the build), else examples/data under the repository.</summary>
    public static string DefaultPath()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz");
        if (File.Exists(beside))
        {
            return beside;
        }

        var directory = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (directory is not null)
        {
            var candidate = Path.Combine(directory.FullName, "examples", "data", "digits.csv.gz");
            if (File.Exists(candidate))
            {
                return candidate;
            }

            directory = directory.Parent;
        }

        throw new FileNotFoundException("examples/data/digits.csv.gz not found.");
    }
}
