using System.Globalization;
using CheckpointModels;
using TorchSharp;
using TorchSharp.PyBridge;
using TrainMonitor.Operators;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TrainMonitor.Cli.Tests.Checkpoints;

/// <summary>
/// The committed checkpoint fixtures of <c>trainmonitor-analyze</c> (examples/checkpoints) load in every format they are
/// written in, the TorchScript files and the TorchSharp twins compute the same function, and training did something.
/// </summary>
public sealed class CheckpointFixtureTests(ITestOutputHelper output)
{
    private static readonly double Float32Epsilon = MathF.BitIncrement(1f) - 1f;
    private static readonly double Float64Epsilon = double.BitIncrement(1.0) - 1.0;

    public static TheoryData<string, int> TokenCheckpoints()
    {
        var data = new TheoryData<string, int>();
        foreach (var model in new[] { "transformer", "mlp" })
        {
            foreach (var step in CheckpointSeries.Steps)
            {
                data.Add(model, step);
            }
        }

        return data;
    }

    public static TheoryData<int> RegressionSteps() => new(CheckpointSeries.Steps);

    [Theory]
    [MemberData(nameof(TokenCheckpoints))]
    public void TorchScript_file_and_TorchSharp_twin_loaded_from_the_state_dict_compute_the_same_logits(string model, int step)
    {
        using var scope = NewDisposeScope();
        using var script = jit.load<Tensor, Tensor>(CheckpointFixtures.TorchScript(model, step));
        using var twin = CheckpointFixtures.CreateTwin(model);
        twin.load_py(CheckpointFixtures.StateDict(model, step), strict: true);
        script.eval();
        twin.eval();
        var windows = CheckpointFixtures.ProbeWindows(CheckpointFixtures.WindowWidth(model));
        var context = windows[.., ..^1];

        AssertSameLogits(script, twin, context, ScalarType.Float32, Float32Epsilon);
        script.to(ScalarType.Float64);
        twin.to(ScalarType.Float64);
        AssertSameLogits(script, twin, context, ScalarType.Float64, Float64Epsilon);
    }

    [Fact]
    public void Exact_error_operator_through_the_TorchScript_transformer_matches_the_one_through_the_twin()
    {
        using var scope = NewDisposeScope();
        var step = CheckpointSeries.Steps[^1];
        using var script = jit.load<Tensor, Tensor>(CheckpointFixtures.TorchScript("transformer", step));
        using var twin = CheckpointFixtures.CreateTwin("transformer");
        twin.load_py(CheckpointFixtures.StateDict("transformer", step), strict: true);
        // load_py copies the stored requires_grad, and a state dict is stored detached: analyze has to switch it back on.
        Assert.All(twin.parameters(), p => Assert.False(p.requires_grad));
        foreach (var parameter in twin.parameters())
        {
            parameter.requires_grad_(true);
        }

        script.to(ScalarType.Float64).eval();
        twin.to(ScalarType.Float64).eval();
        var windows = CheckpointFixtures.ProbeWindows(CheckpointFixtures.WindowWidth("transformer"))[..4];
        var context = windows[.., ..^1];
        var next = windows[.., 1..].reshape(-1);
        Func<Tensor> Errors(nn.IModule<Tensor, Tensor> model) => () =>
            nn.functional.cross_entropy(model.call(context).reshape(-1, TokenLanguage.Vocabulary), next, reduction: nn.Reduction.None);

        // Double backward (the default JVP) through the scripted graph: the step the spectral probe depends on.
        using var scripted = AutogradErrorOperator.Create([.. script.parameters()], Errors(script));
        using var native = AutogradErrorOperator.Create([.. twin.parameters()], Errors(twin));
        Assert.Equal(native.ParameterCount, scripted.ParameterCount);
        using var generator = new Generator(7);
        var v = randn([native.Size], dtype: ScalarType.Float64, generator: generator);
        var expected = native.Apply(v);
        var actual = scripted.Apply(v);
        var relative = ((actual - expected).norm() / expected.norm()).item<double>();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"M v: relative difference {relative:E3}"));
        // Same kernels forward and backward (the forward agrees to a few ulps): 64 ε of the product's norm.
        Assert.True(relative <= 64 * Float64Epsilon, $"M v differs by {relative} (relative)");
    }

    [Theory]
    [InlineData("transformer")]
    [InlineData("mlp")]
    public void Probe_cross_entropy_is_lower_at_the_last_checkpoint_than_at_the_first(string model)
    {
        using var scope = NewDisposeScope();
        var windows = CheckpointFixtures.ProbeWindows(CheckpointFixtures.WindowWidth(model));
        var losses = new List<double>();
        foreach (var step in new[] { CheckpointSeries.Steps[0], CheckpointSeries.Steps[^1] })
        {
            using var twin = CheckpointFixtures.CreateTwin(model);
            twin.load_py(CheckpointFixtures.StateDict(model, step), strict: true);
            losses.Add(CheckpointFixtures.CrossEntropy(model, twin, windows));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{model}: cross-entropy {losses[0]:F4} -> {losses[1]:F4} nats"));
        // Uniform guessing costs log 32 = 3.47 nats; the first checkpoint is already below it, the last well below the first.
        Assert.True(losses[0] < Math.Log(TokenLanguage.Vocabulary), $"step {CheckpointSeries.Steps[0]}: {losses[0]}");
        Assert.True(losses[1] < losses[0] - 0.5, $"cross-entropy {losses[0]} -> {losses[1]}");
    }

    [Fact]
    public void Probe_token_files_hold_the_same_20000_ids_below_the_vocabulary_size()
    {
        var binary = CheckpointFixtures.ProbeTokens();
        var text = File.ReadAllText(CheckpointFixtures.PathOf("tokens", "probe.txt"))
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(id => long.Parse(id, NumberStyles.None, CultureInfo.InvariantCulture))
            .ToArray();

        Assert.Equal(CheckpointFixtures.ProbeTokenCount, binary.Length);
        Assert.Equal(binary, text);
        Assert.All(binary, id => Assert.InRange(id, 0, TokenLanguage.Vocabulary - 1));
    }

    [Theory]
    [MemberData(nameof(RegressionSteps))]
    public void Regression_checkpoint_in_TorchSharp_format_and_as_safetensors_hold_the_same_parameters(int step)
    {
        using var scope = NewDisposeScope();
        var stem = CheckpointSeries.FileStem(step);
        using var native = new RegressionMlp();
        native.load(CheckpointFixtures.PathOf("regression", "torchsharp", stem + ".dat"));
        using var safetensors = new RegressionMlp();
        safetensors.load_safetensors(CheckpointFixtures.PathOf("regression", "safetensors", stem + ".safetensors"), strict: true);

        var expected = native.state_dict();
        var actual = safetensors.state_dict();
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, tensor) in expected)
        {
            Assert.True(Identical(tensor, actual[key]), $"{key} differs between the two formats at step {step}");
        }

        // A fresh network (other seed, other draw) differs: the comparison above can fail.
        manual_seed(step);
        using var fresh = new RegressionMlp();
        Assert.False(Identical(fresh.state_dict()["fc1.weight"], expected["fc1.weight"]));
    }

    [Fact]
    public void Regression_probe_set_loads_with_the_documented_shapes_and_its_loss_falls_during_training()
    {
        using var scope = NewDisposeScope();
        var inputs = load(CheckpointFixtures.PathOf("regression", "data", "inputs.dat"));
        var targets = load(CheckpointFixtures.PathOf("regression", "data", "targets.dat"));
        Assert.Equal([512L, RegressionMlp.Inputs], inputs.shape);
        Assert.Equal([512L, 1L], targets.shape);
        Assert.Equal(ScalarType.Float32, inputs.dtype);
        Assert.Equal(ScalarType.Float32, targets.dtype);

        var losses = new List<double>();
        foreach (var step in new[] { CheckpointSeries.Steps[0], CheckpointSeries.Steps[^1] })
        {
            using var model = new RegressionMlp();
            model.load(CheckpointFixtures.PathOf("regression", "torchsharp", CheckpointSeries.FileStem(step) + ".dat"));
            using var noGrad = no_grad();
            losses.Add(nn.functional.mse_loss(model.call(inputs), targets).item<float>());
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"regression: probe MSE {losses[0]:F5} -> {losses[1]:F5}"));
        // The targets are standardised, so a network that learned nothing scores about 1; halving the error is the least training did.
        Assert.True(losses[1] < losses[0] / 2, $"probe MSE {losses[0]} -> {losses[1]}");
    }

    private void AssertSameLogits(nn.IModule<Tensor, Tensor> script, nn.IModule<Tensor, Tensor> twin, Tensor context, ScalarType dtype, double epsilon)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var expected = script.call(context);
        var actual = twin.call(context);
        Assert.Equal(expected.shape, actual.shape);
        Assert.Equal(dtype, expected.dtype);
        Assert.Equal(dtype, actual.dtype);
        var scale = expected.abs().max().to_type(ScalarType.Float64).item<double>();
        var difference = (expected - actual).abs().max().to_type(ScalarType.Float64).item<double>();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{dtype}: max |logit| {scale}, max |difference| {difference:E3}"));
        Assert.True(difference <= Tolerance(scale, epsilon), $"{dtype} logits differ by {difference} (scale {scale})");
    }

    private static bool Identical(Tensor expected, Tensor actual) =>
        expected.shape.SequenceEqual(actual.shape) && expected.dtype == actual.dtype && expected.eq(actual).all().item<bool>();

    /// <summary>
    /// How far the TorchScript file and the twin may disagree: 16 ε × the largest |logit| (ε: the dtype's machine epsilon). Both run the same aten kernels
    /// of the same libtorch in the same order on the same inputs, so equal bits are expected (and measured: float32 agrees
    /// exactly, float64 to about 3 ulps). What may legitimately differ is the graph executor rewriting an op after its
    /// profiling run (decomposing or fusing it), which re-rounds that op's result by about an ulp; through these shallow
    /// networks, whose relative condition number is of order one, a handful of such re-roundings stays within that.
    /// A wrong weight, key or op moves logits by orders of magnitude more.
    /// </summary>
    private static double Tolerance(double scale, double epsilon) => 16 * epsilon * scale;
}
