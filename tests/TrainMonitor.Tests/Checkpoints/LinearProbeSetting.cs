using TorchSharp;
using TrainMonitor.Probing;
using TrainMonitor.Shells;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Checkpoints;

/// <summary>
/// A bias-free float64 <c>Linear(d, 1)</c> on a probe set X (n×d) built as X = U diag(s) Vᵀ with U (n×r) and V (d×r)
/// orthonormal from seeded QRs and s = √(n λ), targets 0: under squared error e = X w, J = X and M = X Xᵀ/n has the
/// prescribed eigenvalues λ on the columns of U (and 0 on the rest). Weights with X w = U c are w = V diag(1/s) c.
/// </summary>
internal sealed class LinearProbeSetting : IDisposable
{
    private const double Epsilon = GaussRadauBounds.MachineEpsilon;

    private readonly Tensor _x;
    private readonly Tensor _v;
    private readonly Tensor _s;
    private readonly Tensor _matrix;

    private LinearProbeSetting(Tensor x, Tensor v, Tensor s, Tensor matrix, ProbeSet probe, double[] eigenvalues)
    {
        _x = x;
        _v = v;
        _s = s;
        _matrix = matrix;
        Probe = probe;
        Eigenvalues = eigenvalues;
    }

    /// <summary>The probe set: all n examples in one batch.</summary>
    public ProbeSet Probe { get; }

    /// <summary>The prescribed non-zero eigenvalues of M.</summary>
    public double[] Eigenvalues { get; }

    public int Examples => (int)_x.shape[0];

    public int Features => (int)_x.shape[1];

    public static LinearProbeSetting Create(double[] eigenvalues, int examples, int features, ulong seed)
    {
        var r = eigenvalues.Length;
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var (u, _) = linalg.qr(randn(new long[] { examples, r }, dtype: ScalarType.Float64, generator: generator));
        var (v, _) = linalg.qr(randn(new long[] { features, r }, dtype: ScalarType.Float64, generator: generator));
        var s = (tensor(eigenvalues, dtype: ScalarType.Float64) * examples).sqrt();
        var x = (u * s.unsqueeze(0)).mm(v.t());
        var matrix = x.mm(x.t()) / examples;
        matrix = (matrix + matrix.t()) / 2;
        var probe = ProbeSet.FromTensors(x, zeros(new long[] { examples, 1 }, dtype: ScalarType.Float64), examples);
        return new LinearProbeSetting(x.MoveToOuterDisposeScope(), v.MoveToOuterDisposeScope(), s.MoveToOuterDisposeScope(),
            matrix.MoveToOuterDisposeScope(), probe, eigenvalues);
    }

    /// <summary>The weight row [1, d] with X w = U c: w = V diag(1/s) c.</summary>
    public double[] WeightsFor(IReadOnlyList<double> coefficients)
    {
        using var scope = NewDisposeScope();
        var c = tensor(coefficients.ToArray(), dtype: ScalarType.Float64);
        return _v.mv(c / _s).data<double>().ToArray();
    }

    /// <summary>A fresh model holding <paramref name="weights"/> (what a checkpoint loader returns).</summary>
    public nn.Module<Tensor, Tensor> Model(double[] weights)
    {
        var linear = nn.Linear(Features, 1, hasBias: false, dtype: ScalarType.Float64);
        Load(linear, weights);
        return linear;
    }

    /// <summary>Overwrites the weights of a model from <see cref="Model"/>.</summary>
    public static void Load(nn.Module<Tensor, Tensor> model, double[] weights)
    {
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            var weight = model.parameters().Single();
            weight.copy_(tensor(weights, dtype: ScalarType.Float64).reshape(weight.shape));
        }
    }

    /// <summary>
    /// The reference: eigh of the test's own M = X Xᵀ / n, weights (uᵢᵀe)²/n with e = X w computed by the model's forward
    /// pass, as the probe computes it.
    /// </summary>
    public ExactMeasure Reference(double[] weights)
    {
        using var scope = NewDisposeScope();
        using var model = Model(weights);
        Tensor e;
        using (no_grad())
        {
            e = model.call(_x).reshape(-1);
        }

        var (values, vectors) = linalg.eigh(_matrix);
        var w = vectors.t().mv(e).square() / Examples;
        return new ExactMeasure(values.data<double>().ToArray(), w.data<double>().ToArray());
    }

    /// <summary>
    /// Bound on the difference between two float64 evaluations of X Xᵀ / n (the test's and the probe's, Gram or
    /// autograd): each entry is a sum of d products, off by at most γ_d (|X||X|ᵀ)ᵢⱼ / n with γ_d ≈ d ε; in the 2-norm at
    /// most d ε ‖|X||X|ᵀ‖_F / n for each, twice that for the difference. Products M v through J and Jᵀ add a sum of n
    /// terms: pass <paramref name="extraTerms"/> = n for them.
    /// </summary>
    public double FormationBound(int extraTerms = 0)
    {
        using var scope = NewDisposeScope();
        var abs = _x.abs();
        var norm = abs.mm(abs.t()).norm().item<double>();
        return 2 * (Features + extraTerms) * Epsilon * norm / Examples;
    }

    public void Dispose()
    {
        Probe.Dispose();
        _x.Dispose();
        _v.Dispose();
        _s.Dispose();
        _matrix.Dispose();
    }
}
