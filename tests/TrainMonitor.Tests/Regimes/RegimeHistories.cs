using TorchSharp;
using TrainMonitor.Kernel;
using TrainMonitor.Operators;
using TrainMonitor.Regimes;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Regimes;

/// <summary>Closed-form probe histories and kernel sketches of explicit PSD matrices for the regime tests.</summary>
internal static class RegimeHistories
{
    /// <summary>Probe-set size n (one batch).</summary>
    public const int Size = 16;

    /// <summary>Sketch vectors k.</summary>
    public const int Vectors = 8;

    /// <summary>Sketch seed used by every probe of a synthetic run.</summary>
    public const int Seed = 11;

    /// <summary>Learning rate of the synthetic gradient-descent runs.</summary>
    public const double Eta = 0.01;

    /// <summary>Tail exponent s of the synthetic shell profiles.</summary>
    public const double TailExponent = 0.75;

    /// <summary>Irregular probe steps, so regressions are tested on unevenly spaced ln t.</summary>
    public static readonly long[] Steps = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

    /// <summary>
    /// Lazy linear gradient descent with a frozen kernel: λ_f = 1/(2ηt) (c = 1), E_total = E₀·t^(−c·s) with
    /// s = <see cref="TailExponent"/>, λ_max = 10 so η·λ_max = 0.1.
    /// </summary>
    public static RegimeObservation Lazy(long step, KernelSketch? sketch, double? learningRate = Eta, double lambdaMax = 10.0) =>
        new(step, learningRate, 3.0 * Math.Pow(step, -TailExponent), 1.0 / (2.0 * Eta * step), TailExponent, lambdaMax, sketch);

    /// <summary>A fixed PSD matrix B Bᵀ/n, B n×n standard normal from a seeded System.Random (Box–Muller).</summary>
    public static double[] FixedMatrix(int seed = 5)
    {
        var rng = new Random(seed);
        var b = new double[Size * Size];
        for (var i = 0; i < b.Length; i++)
        {
            b[i] = Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());
        }

        var m = new double[Size * Size];
        for (var i = 0; i < Size; i++)
        {
            for (var j = 0; j < Size; j++)
            {
                double sum = 0;
                for (var p = 0; p < Size; p++)
                {
                    sum += b[i * Size + p] * b[j * Size + p];
                }

                m[i * Size + j] = sum / Size;
            }
        }

        return m;
    }

    /// <summary>
    /// M(θ) = R(θ) D R(θ)ᵀ with R(θ) a rotation by θ in each coordinate plane (2j, 2j+1) and
    /// D = diag(a_0, b_0, a_1, b_1, …), a_j = 2^(−j), b_j = a_j/10. Exactly (not sketched),
    /// S(M(θ₁), M(θ₂)) = sin²(θ₂ − θ₁) · Σ(a−b)² / Σ(a² + b²) = 0.802 sin²(θ₂ − θ₁).
    /// </summary>
    public static double[] RotatedMatrix(double theta)
    {
        var m = new double[Size * Size];
        double c = Math.Cos(theta), s = Math.Sin(theta);
        for (var j = 0; j < Size / 2; j++)
        {
            var a = Math.Pow(2.0, -j);
            var b = a / 10.0;
            int p = 2 * j, q = 2 * j + 1;
            m[p * Size + p] = a * c * c + b * s * s;
            m[q * Size + q] = a * s * s + b * c * c;
            m[p * Size + q] = m[q * Size + p] = (a - b) * c * s;
        }

        return m;
    }

    /// <summary>Exact kernel distance of two <see cref="RotatedMatrix"/> operators.</summary>
    public static double RotatedExactDistance(double theta1, double theta2) => Math.Pow(Math.Sin(theta2 - theta1), 2) * (81.0 / 101.0);

    /// <summary>
    /// Kernel sketch of the explicit matrix <paramref name="matrix"/> (row-major n×n) with the model outputs
    /// <paramref name="outputs"/> (default <see cref="OutputsAt"/>(1): a function that does not move).
    /// </summary>
    public static KernelSketch Sketch(double[] matrix, int seed = Seed, double[]? outputs = null)
    {
        using var scope = NewDisposeScope();
        using var op = new MatrixErrorOperator(
            torch.tensor(matrix, [Size, Size], ScalarType.Float64), torch.tensor(outputs ?? OutputsAt(1.0), dtype: ScalarType.Float64));
        return KernelSketch.Capture(new IErrorOperator[] { op }, Vectors, seed);
    }

    /// <summary>
    /// Outputs u(c) = (1, 1, …) + c·(1, −1, 1, −1, …): for two values the relative change ‖u(a) − u(b)‖/‖u(b)‖ is
    /// |a − b| / √(1 + b²), so a history moves its function by a chosen amount.
    /// </summary>
    public static double[] OutputsAt(double c) => Enumerable.Range(0, Size).Select(i => 1.0 + (i % 2 == 0 ? c : -c)).ToArray();

    /// <summary>The exact relative output change between <see cref="OutputsAt"/>(a) and <see cref="OutputsAt"/>(b).</summary>
    public static double OutputChange(double a, double b) => Math.Abs(a - b) / Math.Sqrt(1.0 + b * b);
}
