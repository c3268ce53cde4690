using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Outputs;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using TrainMonitor.Session;
using Validation.Data;
using Validation.Models;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Validation;

/// <summary>
/// The fast subset of the validation runs (examples/Validation, docs/validation.md), at small sizes, so that the relations
/// they establish cannot silently break: the closed-form linear laws (s = (b−1)/a, c = 1, E ∝ t^(−s)) and the lazy/rich
/// split of the regime tracker with its default thresholds.
/// </summary>
public sealed class ValidationRelationsTests
{
    [Theory]
    [InlineData(ProbeMethod.Exact)]
    [InlineData(ProbeMethod.Lanczos)]
    public void LinearGradientDescentFollowsTheClosedFormLaws(ProbeMethod method)
    {
        // d = 2^8, a = 2, b = 2.5: s = 0.75, spectrum over 16 octaves; η = 0.5, probes at t = 1, 2, …, 512.
        const double a = 2.0, b = 2.5, eta = 0.5, s = (b - 1) / a;
        using var problem = new PowerLawRegression(256, a, b, seed: 5);
        using var model = problem.CreateModel();
        using var probe = ProbeSet.FromTensors(problem.ProbeInput, problem.ProbeTarget, 256);
        var history = Train(model, probe, problem, eta, steps: 512, method);

        // Scaling window as in the validation: theoretical frontier 1/(2ηt) at least 3 octaves inside the spectrum.
        var lambdaMin = 1.001 * Math.Pow(256, -a);
        var window = history.Where(h => 1.0 / (2 * eta * h.Step) <= 1.001 / 8 && 1.0 / (2 * eta * h.Step) >= 8 * lambdaMin).ToArray();
        Assert.True(window.Length >= 5, $"only {window.Length} probes in the window");
        Assert.All(window, h => Assert.True(h.Frontier.IsDetermined, $"t = {h.Step}: {h.Frontier.Reason}"));

        var lnT = window.Select(h => Math.Log(h.Step)).ToArray();
        var c = -Slope(lnT, window.Select(h => Math.Log(h.Frontier.Lambda)).ToArray());
        // s comes from the amplitude–frontier fit, which leaves the sparse top shells out (MinimumOccupancy): at d = 256 and
        // a = 2 the top seven shells hold fewer than four eigenvalues each, so the fit of the earliest window probes, whose
        // cutoff lies there, is undetermined by design (docs/validation.md, case 1); the median is over the fitted ones.
        var fitted = window.Where(h => h.Frontier.Fit.IsDetermined).ToArray();
        Assert.True(fitted.Length >= 3, $"only {fitted.Length} of {window.Length} window probes fitted: " +
            string.Join("; ", window.Select(h => $"t = {h.Step}: {h.Frontier.Fit.Reason ?? "fitted"}")));
        var measuredS = fitted.Select(h => h.Frontier.Fit.TailExponent).Order().ElementAt(fitted.Length / 2);
        var energySlope = -Slope(lnT, window.Select(h => Math.Log(h.ErrorEnergy)).ToArray());

        // The full-size run (d = 1024) meets 0.15 on every figure; at d = 256 the window spans three doublings fewer, so
        // the same 0.15 is the acceptance bound of the issue, not a tuned one. The energy law is a property of the run,
        // independent of the monitor's fit, and holds to a few percent.
        Assert.InRange(c, 0.85, 1.15);
        Assert.InRange(measuredS, s * 0.85, s * 1.15);
        Assert.InRange(c * measuredS, s * 0.85, s * 1.15);
        Assert.InRange(energySlope, s * 0.95, s * 1.05);
        Assert.All(history.Skip(2), h => Assert.Equal(TrainingRegime.LazyProgressing, h.Assessment.Regime));
    }

    [Fact]
    public void SmallOutputScaleIsFeatureLearningAndLargeIsLazy()
    {
        var rich = TrainScaled(alpha: 0.1);
        var lazy = TrainScaled(alpha: 100);

        static int Count(IReadOnlyList<ProbeSnapshot> h, Func<TrainingRegime, bool> which) => h.Count(x => which(x.Assessment.Regime));
        Assert.True(Count(rich, r => r == TrainingRegime.FeatureLearning) > Count(rich, r => r is TrainingRegime.LazyProgressing or TrainingRegime.LazyStagnant),
            string.Join(", ", rich.Select(x => $"{x.Step}:{x.Assessment.Regime}:{x.Assessment.KernelVelocity:g2}")));
        Assert.DoesNotContain(lazy, x => x.Assessment.Regime == TrainingRegime.FeatureLearning);
        // Kernel distance over training falls with α (∝ α^−1 in the full run): three decades of α, at least two of S.
        Assert.True(rich[^1].Assessment.KernelDistanceFromFirst > 100 * lazy[^1].Assessment.KernelDistanceFromFirst,
            $"S(rich) = {rich[^1].Assessment.KernelDistanceFromFirst}, S(lazy) = {lazy[^1].Assessment.KernelDistanceFromFirst}");
    }

    private static IReadOnlyList<ProbeSnapshot> Train(nn.Module<Tensor, Tensor> model, ProbeSet probe, PowerLawRegression problem, double eta, int steps, ProbeMethod method)
    {
        using var monitor = TrainingMonitor.Attach(model, probe, ErrorFunctions.SquaredError, new MonitorOptions
        {
            MaxProbeExamples = 0,
            Schedule = { FirstProbeStep = 1, LogSpacingFactor = 2, OverheadBudget = 0 },
            Probe = { Method = method },
        });
        using var optimizer = optim.SGD(model.parameters(), eta);
        for (var step = 1; step <= steps; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            problem.Loss(model).backward();
            optimizer.step();
            monitor.OnStep(step, eta);
        }

        monitor.FlushAsync().GetAwaiter().GetResult();
        return monitor.History;
    }

    private static IReadOnlyList<ProbeSnapshot> TrainScaled(double alpha)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(13);
        const int d = 16;
        var teacher = randn(new long[] { d }, generator: generator);
        teacher /= teacher.norm();
        var x = randn(new long[] { 320, d }, generator: generator);
        var y = nn.functional.relu(x.matmul(teacher)).unsqueeze(1);
        var (xTrain, yTrain) = (x[..256], y[..256]);
        using var probe = ProbeSet.FromTensors(x[256..], y[256..], 64);
        using var model = new CentredTwoLayerNetwork(d, 64, alpha, generator);
        using var monitor = TrainingMonitor.Attach(model, probe, ErrorFunctions.SquaredError, new MonitorOptions
        {
            MaxProbeExamples = 0,
            Schedule = { FirstProbeStep = 1, LogSpacingFactor = 2, OverheadBudget = 0 },
            Probe = { LanczosSteps = 32 },
        });
        const double eta = 1.0;
        using var optimizer = optim.SGD(model.parameters(), eta);
        for (var step = 1; step <= 512; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            (0.5 * (model.call(xTrain) - yTrain).pow(2).mean() / (alpha * alpha)).backward();
            optimizer.step();
            monitor.OnStep(step, eta / (alpha * alpha));
        }

        monitor.FlushAsync().GetAwaiter().GetResult();
        return monitor.History;
    }

    private static double Slope(double[] x, double[] y)
    {
        var mx = x.Average();
        var my = y.Average();
        return x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my)) / x.Sum(v => (v - mx) * (v - mx));
    }
}
