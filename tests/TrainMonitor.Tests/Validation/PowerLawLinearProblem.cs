using TorchSharp;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Validation;

/// <summary>
/// A small copy of the validation's linear ground truth (examples/Validation, case 1): covariance eigenvalues
/// λ_k = 1.001·k^(−a), initial error energy k^(−b) in mode k, training and probe sets with exactly that covariance
/// (X = √n·Q·Σ^{1/2}, Q with orthonormal columns), so M on the probe set has exactly the eigenvalues λ_k.
/// </summary>
internal sealed class PowerLawLinearProblem : IDisposable
{
    public PowerLawLinearProblem(int dimension, double a, double b, ulong seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var k = arange(1, dimension + 1, dtype: ScalarType.Float64);
        var lambdas = 1.001 * k.pow(-a);
        var signs = randint(0, 2, new long[] { dimension }, generator: generator).to_type(ScalarType.Float64) * 2 - 1;
        var teacher = signs * k.pow((a - b) / 2) / Math.Sqrt(1.001);
        TrainInput = Draw(2 * dimension, lambdas, generator).MoveToOuterDisposeScope();
        TrainTarget = TrainInput.matmul(teacher).unsqueeze(1).MoveToOuterDisposeScope();
        ProbeInput = Draw(dimension, lambdas, generator).MoveToOuterDisposeScope();
        ProbeTarget = ProbeInput.matmul(teacher).unsqueeze(1).MoveToOuterDisposeScope();
        Dimension = dimension;
    }

    public int Dimension { get; }
    public Tensor TrainInput { get; }
    public Tensor TrainTarget { get; }
    public Tensor ProbeInput { get; }
    public Tensor ProbeTarget { get; }

    public nn.Module<Tensor, Tensor> CreateModel()
    {
        var model = nn.Linear(Dimension, 1, hasBias: false, dtype: ScalarType.Float64);
        using (no_grad())
        {
            model.weight!.zero_();
        }

        return model;
    }

    public Tensor Loss(nn.Module<Tensor, Tensor> model) => 0.5 * (model.call(TrainInput) - TrainTarget).pow(2).mean();

    public void Dispose()
    {
        TrainInput.Dispose();
        TrainTarget.Dispose();
        ProbeInput.Dispose();
        ProbeTarget.Dispose();
    }

    private static Tensor Draw(int count, Tensor lambdas, Generator generator)
    {
        var gaussian = randn(new long[] { count, lambdas.shape[0] }, dtype: ScalarType.Float64, generator: generator);
        var (q, _) = linalg.qr(gaussian);
        return q * Math.Sqrt(count) * lambdas.sqrt();
    }
}
