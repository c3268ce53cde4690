using static TorchSharp.torch;

namespace Validation.Data;

/// <summary>
/// The linear ground-truth problem: covariance eigenvalues λ_k = 1.001·k^(−a) (k = 1..d), teacher with initial error
/// energy k^(−b) in mode k (random signs), training and probe sets with exactly that covariance. With d = 2^10 and a·10
/// an integer the smallest eigenvalue sits just above a shell edge, so every shell is completely filled; the 0.1 %
/// offset keeps round-off from moving an eigenvalue across an edge.
/// </summary>
internal sealed class PowerLawRegression : IDisposable
{
    public PowerLawRegression(int dimension, double a, double b, int seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var k = arange(1, dimension + 1, dtype: ScalarType.Float64);
        var lambdas = 1.001 * k.pow(-a);
        // Initial error energy in mode k is λ_k δ_k² = k^(−b): δ_k = ±k^((a−b)/2) / √1.001.
        var signs = randint(0, 2, new long[] { dimension }, generator: generator).to_type(ScalarType.Float64) * 2 - 1;
        var teacher = signs * k.pow((a - b) / 2) / Math.Sqrt(1.001);
        TrainInput = ExactCovarianceSamples.Draw(2 * dimension, lambdas, generator).MoveToOuterDisposeScope();
        TrainTarget = TrainInput.matmul(teacher).unsqueeze(1).MoveToOuterDisposeScope();
        ProbeInput = ExactCovarianceSamples.Draw(dimension, lambdas, generator).MoveToOuterDisposeScope();
        ProbeTarget = ProbeInput.matmul(teacher).unsqueeze(1).MoveToOuterDisposeScope();
        LambdaMin = lambdas.min().item<double>();
        LambdaMax = lambdas.max().item<double>();
        Dimension = dimension;
    }

    public int Dimension { get; }
    public Tensor TrainInput { get; }
    public Tensor TrainTarget { get; }
    public Tensor ProbeInput { get; }
    public Tensor ProbeTarget { get; }
    public double LambdaMin { get; }
    public double LambdaMax { get; }

    /// <summary>The linear model y = w·x (float64, no bias) at w = 0.</summary>
    public nn.Module<Tensor, Tensor> CreateModel()
    {
        var model = nn.Linear(Dimension, 1, hasBias: false, dtype: ScalarType.Float64);
        using (no_grad())
        {
            model.weight!.zero_();
        }

        return model;
    }

    /// <summary>½·mean squared error on the training set: gradient descent on ½‖e‖²/n, so ė = −η M e as in the theory.</summary>
    public Tensor Loss(nn.Module<Tensor, Tensor> model) => 0.5 * (model.call(TrainInput) - TrainTarget).pow(2).mean();

    public void Dispose()
    {
        TrainInput.Dispose();
        TrainTarget.Dispose();
        ProbeInput.Dispose();
        ProbeTarget.Dispose();
    }
}
