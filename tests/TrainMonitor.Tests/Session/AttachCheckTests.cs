using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Probing;
using TrainMonitor.Session;
using TrainMonitor.Tests.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Session;

/// <summary>
/// Attach runs the model and the error function once on the first probe batch, so a mismatch is one exception naming it
/// at attach rather than a failed probe at every due step; the check leaves the model and the global RNG as they were.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class AttachCheckTests
{
    private static nn.Module<Tensor, Tensor> Mlp(int inputs) => nn.Sequential(
        ("fc1", nn.Linear(inputs, 8)), ("act", nn.Tanh()), ("drop", nn.Dropout(0.5)), ("fc2", nn.Linear(8, 2)));

    private static ProbeSet Probe(int inputs, ScalarType dtype = ScalarType.Float32, int outputs = 2)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        return ProbeSet.FromTensors(randn([16, inputs], generator: generator).to_type(dtype), randn([16, outputs], generator: generator).to_type(dtype), 8);
    }

    [Fact]
    public void AProbeOfTheWrongWidthFailsAtAttachNamingTheBatchShapeAndTheLayersInputSize()
    {
        using var model = Mlp(64);
        using var probe = Probe(32);
        var ex = Assert.Throws<ArgumentException>(() => TrainingMonitor.Attach(model, probe, ErrorFunctions.SquaredError));

        Assert.Equal("probe", ex.ParamName);
        Assert.Contains("Float32 [8, 32] on cpu", ex.Message);
        Assert.Contains("expects 64 input features", ex.Message);
        Assert.Contains("[N, …, 64]", ex.Message);
        // libtorch's own first line, not its C++ stack.
        Assert.Contains("shapes cannot be multiplied (8x32 and 64x8)", ex.Message);
        Assert.DoesNotContain("frame #", ex.Message);
        Assert.DoesNotContain("Exception raised from", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.NotNull(ex.InnerException);
    }

    [Fact]
    public void AFloat64ProbeForAFloat32ModelNamesBothDtypes()
    {
        using var model = Mlp(8);
        using var probe = Probe(8, ScalarType.Float64);
        var ex = Assert.Throws<ArgumentException>(() => TrainingMonitor.Attach(model, probe, ErrorFunctions.SquaredError));

        Assert.Equal("probe", ex.ParamName);
        Assert.Contains("input is Float64 [8, 8] on cpu", ex.Message);
        Assert.Contains("parameters are Float32 on cpu", ex.Message);
        Assert.Contains("x.to_type(ScalarType.Float32)", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void AnErrorFunctionReturningA2DTensorIsNamedWithItsShape()
    {
        using var model = Mlp(8);
        using var probe = Probe(8);
        var twoD = ErrorFunctions.Custom("residuals", (o, t) => o - t);
        var ex = Assert.Throws<ArgumentException>(() => TrainingMonitor.Attach(model, probe, twoD));

        Assert.Equal("error", ex.ParamName);
        Assert.Contains("'residuals'", ex.Message);
        Assert.Contains("1-D", ex.Message);
        Assert.Contains("Float32 [8, 2] on cpu", ex.Message);
    }

    [Fact]
    public void TargetsOfTheWrongShapeAreTheProbeSetsToFix()
    {
        using var model = Mlp(8);
        using var probe = Probe(8, outputs: 3);
        var ex = Assert.Throws<ArgumentException>(() => TrainingMonitor.Attach(model, probe, ErrorFunctions.SquaredError));

        Assert.Equal("probe", ex.ParamName);
        Assert.Contains("output is Float32 [8, 2] on cpu, target is Float32 [8, 3] on cpu", ex.Message);
        Assert.DoesNotContain("(Parameter 'target')", ex.Message);
    }

    [Theory]
    [InlineData("detached")]
    [InlineData("throws")]
    [InlineData("empty")]
    public void AnErrorFunctionThatCannotGiveAProbeErrorsFailsAtAttach(string kind)
    {
        using var model = Mlp(8);
        using var probe = Probe(8);
        var error = kind switch
        {
            "detached" => ErrorFunctions.Custom(kind, (o, t) => (o.detach() - t).reshape(-1)),
            "throws" => ErrorFunctions.Custom(kind, (_, _) => throw new InvalidOperationException("user code failed")),
            _ => ErrorFunctions.Custom(kind, (o, t) => (o - t).reshape(-1)[..0]),
        };
        var ex = Assert.Throws<ArgumentException>(() => TrainingMonitor.Attach(model, probe, error));

        Assert.Equal("error", ex.ParamName);
        Assert.Contains($"'{kind}'", ex.Message);
        Assert.Contains(kind switch { "detached" => "not connected to any parameter", "throws" => "user code failed", _ => "empty error vector" }, ex.Message);
    }

    [Fact]
    public void ADisabledMonitorRunsNothingAtAttach()
    {
        using var model = Mlp(64);
        using var probe = Probe(32);
        using var monitor = TrainingMonitor.Attach(model, probe, ErrorFunctions.SquaredError, new MonitorOptions { Enabled = false });
        Assert.False(monitor.Status.Enabled);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(32)]
    public void TheCheckLeavesModesGradientsParametersTheRngAndTheTensorCountAsTheyWere(int probeWidth)
    {
        manual_seed(3);
        using var model = Mlp(8);
        using var probe = Probe(probeWidth);
        using (var scope = NewDisposeScope())
        {
            // Gradients from a training step, modes mixed: training overall, one submodule in evaluation mode.
            nn.functional.mse_loss(model.call(randn(4, 8)), randn(4, 2)).backward();
        }

        model.train();
        model.named_modules().Single(m => m.name == "act").module.eval();
        var before = State(model);
        var liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        if (probeWidth == 8)
        {
            TrainingMonitor.Attach(model, probe, ErrorFunctions.SquaredError).Dispose();
        }
        else
        {
            Assert.Throws<ArgumentException>(() => TrainingMonitor.Attach(model, probe, ErrorFunctions.SquaredError));
        }

        Assert.Equal(liveBefore, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        var after = State(model);
        Assert.Equal(before.Modes, after.Modes);
        Assert.Equal(before.Parameters, after.Parameters);
        Assert.Equal(before.Grads, after.Grads);
        Assert.Equal(before.Rng, after.Rng);
        Assert.True(is_grad_enabled());
    }

    [Fact]
    public void AForwardPassThatDrawsFromTheGlobalRngLeavesItWhereItWas()
    {
        using var model = new Noisy();
        using var probe = Probe(8);
        manual_seed(4);
        using var expected = rand(4);
        manual_seed(4);
        TrainingMonitor.Attach(model, probe, ErrorFunctions.SquaredError).Dispose();
        using var next = rand(4);
        Assert.Equal(Numerics.Bytes(expected), Numerics.Bytes(next));
    }

    /// <summary>A model that adds noise from the global generator even in evaluation mode.</summary>
    private sealed class Noisy : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> fc = nn.Linear(8, 2);

        public Noisy()
            : base(nameof(Noisy)) => RegisterComponents();

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            return (fc.call(input) + 0.01 * randn(input.shape[0], 2)).MoveToOuterDisposeScope();
        }
    }

    private static (bool[] Modes, byte[][] Parameters, byte[][] Grads, byte[] Rng) State(nn.Module<Tensor, Tensor> model)
    {
        using var rng = torch.random.get_rng_state();
        return (
            [model.training, .. model.modules().Select(m => m.training)],
            [.. model.parameters().Select(Numerics.Bytes)],
            [.. model.parameters().Select(p => Numerics.Bytes(p.grad!))],
            Numerics.Bytes(rng));
    }
}
