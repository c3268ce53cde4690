using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace CheckpointModels;

/// <summary>
/// A short deterministic training run of <see cref="RegressionMlp"/> on a power-law teacher task, saving the
/// checkpoints at <see cref="CheckpointSeries.Steps"/> in TorchSharp's format and as safetensors, and the held-out
/// probe set with <c>torch.save</c>.
/// </summary>
internal static class RegressionSeries
{
    private const int TrainCount = 2048;
    private const int ProbeCount = 512;
    private const int Batch = 64;
    private const double LearningRate = 0.05;
    private const float NoiseScale = 0.1f;
    private const long TeacherSeed = 31;
    private const long StudentSeed = 32;
    private const ulong DataSeed = 33;

    public static void Write(string outputDirectory, TextWriter log)
    {
        // One thread: kernel reductions split differently with the thread count, and the files should not depend on the machine.
        set_num_threads(1);
        foreach (var folder in new[] { "torchsharp", "safetensors", "data" })
        {
            Directory.CreateDirectory(Path.Combine(outputDirectory, folder));
        }

        using var scope = NewDisposeScope();
        using var generator = new Generator(DataSeed);
        manual_seed(TeacherSeed);
        using var teacher = new RegressionMlp();
        manual_seed(StudentSeed);
        using var model = new RegressionMlp();

        var (inputs, targets) = Sample(teacher, TrainCount + ProbeCount, generator);
        var trainInputs = inputs[..TrainCount];
        var trainTargets = targets[..TrainCount];
        // Cloned: a saved view writes its whole storage, the training rows too.
        var probeInputs = inputs[TrainCount..].clone();
        var probeTargets = targets[TrainCount..].clone();
        save(probeInputs, Path.Combine(outputDirectory, "data", "inputs.dat"));
        save(probeTargets, Path.Combine(outputDirectory, "data", "targets.dat"));
        log.WriteLine($"probe set: inputs [{ProbeCount}, {RegressionMlp.Inputs}], targets [{ProbeCount}, 1] -> data/inputs.dat, data/targets.dat");

        using var optimizer = optim.SGD(model.parameters(), LearningRate);
        var lastStep = CheckpointSeries.Steps[^1];
        for (var step = 1; step <= lastStep; step++)
        {
            using var stepScope = NewDisposeScope();
            var rows = randint(0, TrainCount, [Batch], generator: generator);
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.call(trainInputs[rows]), trainTargets[rows]);
            loss.backward();
            optimizer.step();
            if (!CheckpointSeries.Steps.Contains(step))
            {
                continue;
            }

            var stem = CheckpointSeries.FileStem(step);
            model.save(Path.Combine(outputDirectory, "torchsharp", stem + ".dat"));
            model.save_safetensors(Path.Combine(outputDirectory, "safetensors", stem + ".safetensors"));
            double probeLoss;
            using (no_grad())
            {
                probeLoss = nn.functional.mse_loss(model.call(probeInputs), probeTargets).item<float>();
            }

            log.WriteLine($"regression step {step,4}: batch loss {loss.item<float>():F5}, probe loss {probeLoss:F5} -> torchsharp/{stem}.dat, safetensors/{stem}.safetensors");
        }
    }

    /// <summary>
    /// Inputs N(0, diag(k⁻¹)), k = 1 … 16; targets the teacher's output standardised over the sample (a default-initialised
    /// teacher's output is small next to any noise), plus Gaussian noise.
    /// </summary>
    private static (Tensor Inputs, Tensor Targets) Sample(RegressionMlp teacher, int count, Generator generator)
    {
        var k = arange(1, RegressionMlp.Inputs + 1, dtype: ScalarType.Float32);
        var inputs = randn([count, RegressionMlp.Inputs], generator: generator) * k.pow(-0.5);
        using var noGrad = no_grad();
        var clean = teacher.call(inputs);
        var targets = (clean - clean.mean()) / clean.std() + NoiseScale * randn([count, 1], generator: generator);
        return (inputs, targets);
    }
}
