using TrainMonitor.Checkpoints;
using TrainMonitor.Tests.JsonLines;

namespace TrainMonitor.Tests.Checkpoints;

/// <summary>Paths to a checkpoint series: steps read from names, folders filtered by extension, explicit steps, and what is refused.</summary>
public sealed class CheckpointDiscoveryTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Creates an empty file at <paramref name="relative"/> under a folder whose name holds no digit.</summary>
    private string Touch(string relative)
    {
        var path = Path.Combine(_dir.Path, "runs", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, []);
        return path;
    }

    [Theory]
    [InlineData("step-001000.pt", 1000)]
    [InlineData("pythia-160m-step2000.pth", 2000)]
    [InlineData("checkpoint_7.safetensors", 7)]
    [InlineData("checkpoint-750/model.safetensors", 750)]
    public void TheStepIsTheLastNumberInTheNameElseInTheFoldersName(string relative, long step)
    {
        var path = Touch(relative);

        Assert.Equal(step, CheckpointDiscovery.StepOf(path));
        Assert.Equal(step, Assert.Single(CheckpointDiscovery.FromPaths([path])).Step);
    }

    [Fact]
    public void ANameWithoutANumberInAFolderWithoutOneIsRefused()
    {
        var path = Touch("plain/model.pt");

        var error = Assert.Throws<ArgumentException>(() => CheckpointDiscovery.StepOf(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("give the steps explicitly", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANumberTooLargeForAStepIsRefusedRatherThanReadFromTheFolder()
    {
        // The folder's name holds a number too; taking it would silently give this checkpoint step 3.
        var path = Touch("run-3/step-123456789012345678901234.pt");

        var error = Assert.Throws<ArgumentException>(() => CheckpointDiscovery.StepOf(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("123456789012345678901234", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneShardOfAShardedCheckpointIsRefusedRatherThanReadAsTheShardCount()
    {
        // The last number of model-00001-of-00002 is the shard count: read as a step, every shard would be step 2.
        var path = Touch("checkpoint-1000/model-00001-of-00002.safetensors");

        var error = Assert.Throws<ArgumentException>(() => CheckpointDiscovery.StepOf(path));

        Assert.Contains("one shard of a sharded checkpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFolderContributesItsCheckpointFilesOnlyOrderedByStep()
    {
        Touch("series/step-300.pt");
        Touch("series/step-100.pth");
        Touch("series/step-20.safetensors");
        Touch("series/notes-5.txt");
        Touch("series/.step-50.pt");
        Touch("series/nested/step-7.pt");

        var series = CheckpointDiscovery.FromPaths([Path.Combine(_dir.Path, "runs", "series")]);

        Assert.Equal([20L, 100L, 300L], series.Select(c => c.Step));
        Assert.Equal(["step-20.safetensors", "step-100.pth", "step-300.pt"], series.Select(c => c.Name));
    }

    [Fact]
    public void ExplicitStepsGoToTheFilesInTheOrderGivenAndTheSeriesIsOrderedByStep()
    {
        var a = Touch("x/model-a.pt");
        var b = Touch("x/model-b.pt");

        var series = CheckpointDiscovery.FromPaths([a, b], [500, 200]);

        Assert.Equal([(200L, b), (500L, a)], series.Select(c => (c.Step, c.Path)));
    }

    [Fact]
    public void TwoCheckpointsWithOneStepAreRefusedNamingBoth()
    {
        var a = Touch("a/step-100.pt");
        var b = Touch("b/step-0100.pth");

        var error = Assert.Throws<ArgumentException>(() => CheckpointDiscovery.FromPaths([a, b]));

        Assert.Contains("step 100", error.Message, StringComparison.Ordinal);
        Assert.Contains(a, error.Message, StringComparison.Ordinal);
        Assert.Contains(b, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StepZeroIsRefusedBecauseTheDisplacementIsMeasuredAgainstLnT()
    {
        var path = Touch("step-0.pt");

        var error = Assert.Throws<ArgumentException>(() => CheckpointDiscovery.FromPaths([path]));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("ln t", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CheckpointDiscovery.FromPaths([Touch("other.pt")], [0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Checkpoint(0, "step-0.pt"));
    }

    [Fact]
    public void AMissingPathIsRefusedNamingIt()
    {
        var missing = Path.Combine(_dir.Path, "runs", "step-10.pt");

        var error = Assert.Throws<ArgumentException>(() => CheckpointDiscovery.FromPaths([missing]));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("no such file or folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFolderWithoutCheckpointsIsRefused()
    {
        Touch("empty/readme.md");

        var error = Assert.Throws<ArgumentException>(() => CheckpointDiscovery.FromPaths([Path.Combine(_dir.Path, "runs", "empty")]));

        Assert.Contains("holds no checkpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AStepCountThatDiffersFromTheFileCountIsRefused()
    {
        Touch("pair/step-1.pt");
        Touch("pair/step-2.pt");

        var error = Assert.Throws<ArgumentException>(() => CheckpointDiscovery.FromPaths([Path.Combine(_dir.Path, "runs", "pair")], [1, 2, 3]));

        Assert.Equal("steps", error.ParamName);
        Assert.Contains("3 steps were given for 2 checkpoint files", error.Message, StringComparison.Ordinal);
    }
}
