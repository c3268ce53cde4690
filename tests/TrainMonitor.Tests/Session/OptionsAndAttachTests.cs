using TorchSharp;
using TrainMonitor.Probing;
using TrainMonitor.Scheduling;
using TrainMonitor.Session;
using TrainMonitor.Tests.Operators;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Session;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class OptionsAndAttachTests
{
    public static TheoryData<string, Action<MonitorOptions>> BadSettings => new()
    {
        { "RunName", o => o.RunName = " " },
        { "Mode", o => o.Mode = (ExecutionMode)7 },
        { "Schedule.Kind", o => o.Schedule.Kind = (ScheduleKind)9 },
        { "Schedule.ProbeInterval", o => o.Schedule.ProbeInterval = 0 },
        { "Schedule.FirstProbeStep", o => o.Schedule.FirstProbeStep = 0 },
        { "Schedule.LogSpacingFactor", o => o.Schedule.LogSpacingFactor = 1 },
        { "Schedule.OverheadBudget", o => o.Schedule.OverheadBudget = -0.1 },
        { "Schedule.OverheadBudget", o => o.Schedule.OverheadBudget = double.NaN },
        { "Schedule", o => o.Schedule = null! },
        { "Probe", o => o.Probe = null! },
        { "Regime", o => o.Regime = null! },
        { "LanczosSteps", o => o.Probe.LanczosSteps = 1 },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void ValidationNamesTheBadSetting(string setting, Action<MonitorOptions> spoil)
    {
        var options = new MonitorOptions();
        options.Validate();
        spoil(options);
        var ex = Assert.ThrowsAny<ArgumentException>(options.Validate);
        Assert.Equal(setting, ex.ParamName);
        Assert.Contains(setting.Split('.')[^1], ex.Message);

        // Attach validates too, before touching the model.
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe();
        Assert.Equal(setting, Assert.ThrowsAny<ArgumentException>(() => TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError, options)).ParamName);
    }

    [Fact]
    public void DefaultsAreTheDocumentedOnes()
    {
        var options = new MonitorOptions();
        // Under the test platform the entry assembly is its host, which names the runner: the fallback applies.
        Assert.Equal(("run", true, ExecutionMode.Inline), (options.RunName, options.Enabled, options.Mode));
        Assert.Equal((ScheduleKind.LogSpaced, 1L, 2.0, 0.05), (options.Schedule.Kind, options.Schedule.FirstProbeStep, options.Schedule.LogSpacingFactor, options.Schedule.OverheadBudget));
    }

    [Theory]
    [InlineData("QuickStart", "quickstart")]
    [InlineData("My.Training.App", "my.training.app")]
    [InlineData(null, "run")]
    [InlineData(" ", "run")]
    [InlineData("testhost", "run")]
    public void AnUnnamedRunIsNamedAfterTheEntryAssembly(string? entryAssembly, string runName)
    {
        Assert.Equal(runName, TrainMonitor.Defaults.MonitorDefaults.RunNameFor(entryAssembly));
    }

    [Fact]
    public void BackgroundModeWithoutAFactoryThrowsNamingIt()
    {
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe();
        var ex = Assert.Throws<ArgumentException>(() => TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError,
            new MonitorOptions { Mode = ExecutionMode.Background }));
        Assert.Equal("modelFactory", ex.ParamName);
        Assert.Contains("Background", ex.Message);
    }

    [Fact]
    public void AFactoryWithAnotherArchitectureIsRejectedAtAttach()
    {
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe();
        var options = new MonitorOptions { Mode = ExecutionMode.Background };
        var wider = Assert.Throws<ArgumentException>(() => TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError, options,
            modelFactory: () => nn.Sequential(("fc1", nn.Linear(SessionFixtures.Inputs, 17)), ("act", nn.Tanh()), ("drop", nn.Dropout(0.2)), ("fc2", nn.Linear(17, 2)))));
        Assert.Equal("modelFactory", wider.ParamName);
        Assert.Contains("fc1.weight", wider.Message);

        var renamed = Assert.Throws<ArgumentException>(() => TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError, options,
            modelFactory: () => nn.Sequential(("first", nn.Linear(SessionFixtures.Inputs, 16)), ("act", nn.Tanh()), ("drop", nn.Dropout(0.2)), ("fc2", nn.Linear(16, 2)))));
        Assert.Equal("modelFactory", renamed.ParamName);
        Assert.Contains("first.weight", renamed.Message);

        Assert.Equal("modelFactory", Assert.Throws<ArgumentException>(() => TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError, options,
            modelFactory: () => model)).ParamName);
    }

    [Fact]
    public async Task AFactoryInAnotherDtypeIsMovedToTheModelsDtype()
    {
        using var model = SessionFixtures.Model();
        using var probe = SessionFixtures.Probe();
        var options = SessionFixtures.EveryN(1, ExecutionMode.Background);
        using var monitor = TrainingMonitor.Attach(model, probe, SessionFixtures.SquaredError, options,
            modelFactory: () => SessionFixtures.Model().to(ScalarType.Float64));
        monitor.OnStep(1);
        await monitor.FlushAsync();
        Assert.Equal(1, monitor.Status.ProbesTotal);
    }

    [Fact]
    public void ProbeSetSplitsInOrderAndOwnsItsCopies()
    {
        using var scope = NewDisposeScope();
        var x = arange(10 * 3, dtype: ScalarType.Float32).reshape(10, 3);
        var y = arange(10, dtype: ScalarType.Int64);
        using var set = ProbeSet.FromTensors(x, y, batchSize: 4);
        Assert.Equal(10, set.Count);
        Assert.Equal([4L, 4, 2], set.Batches.Select(b => b.Input.shape[0]).ToArray());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i).ToArray(), set.Batches.SelectMany(b => b.Target.data<long>().ToArray()).ToArray());
        x.add_(1000);
        x.Dispose();
        Assert.Equal(0f, set.Batches[0].Input[0, 0].item<float>());
        Assert.False(set.Batches[0].Input.requires_grad);
    }

    [Fact]
    public void ProbeSetRejectsBadShapes()
    {
        using var scope = NewDisposeScope();
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => ProbeSet.FromTensors(zeros(5, 2), zeros(4), 2)).ParamName);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => ProbeSet.FromTensors(zeros(5, 2), zeros(5), 0)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => ProbeSet.FromTensors(zeros(0, 2), zeros(0), 2)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => ProbeSet.FromTensors(tensor(1f), zeros(1), 2)).ParamName);
    }

    [Fact]
    public void ProbeSetFromDatasetTakesTheFirstItemsInIndexOrder()
    {
        using var dataset = new CountingDataset(7);
        using var set = ProbeSet.FromDataset(dataset, batchSize: 2, count: 5, inputKey: "x", targetKey: "y");
        Assert.Equal(5, set.Count);
        Assert.Equal([2L, 2, 1], set.Batches.Select(b => b.Input.shape[0]).ToArray());
        Assert.Equal([0f, 1, 2, 3, 4], set.Batches.SelectMany(b => b.Input[.., 0].data<float>().ToArray()).ToArray());
        Assert.Equal([0L, 10, 20, 30, 40], set.Batches.SelectMany(b => b.Target.data<long>().ToArray()).ToArray());
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => ProbeSet.FromDataset(dataset, 2, 8, "x", "y")).ParamName);
        Assert.Equal("inputKey", Assert.Throws<ArgumentException>(() => ProbeSet.FromDataset(dataset, 2)).ParamName);
    }

    private sealed class CountingDataset(long count) : torch.utils.data.Dataset
    {
        public override long Count => count;

        public override Dictionary<string, Tensor> GetTensor(long index) => new()
        {
            ["x"] = full(3, (float)index),
            ["y"] = tensor(index * 10),
        };
    }
}
