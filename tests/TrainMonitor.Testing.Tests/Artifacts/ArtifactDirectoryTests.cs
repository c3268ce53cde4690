namespace TrainMonitor.Testing.Tests.Artifacts;

public sealed class ArtifactDirectoryTests
{
    private static string? NoEnvironment(string name) => null;

    [Fact]
    public void An_explicit_directory_is_used_as_is()
    {
        var explicitDirectory = Path.Combine(Path.GetTempPath(), "mine");

        Assert.Equal(explicitDirectory, ArtifactDirectory.Resolve(explicitDirectory, "run", _ => "/elsewhere"));
    }

    [Fact]
    public void The_environment_variable_gives_the_root_of_all_runs()
    {
        string? Environment(string name) => name == "TRAINMONITOR_TEST_OUTPUT" ? "/ci/results" : null;

        Assert.Equal("/ci/results/HealthTests.Learns", ArtifactDirectory.Resolve(null, "HealthTests.Learns", Environment));
    }

    [Fact]
    public void By_default_runs_go_under_the_test_binaries()
    {
        var expected = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "TestResults", "trainmonitor", "HealthTests.Learns"));

        Assert.Equal(expected, ArtifactDirectory.Resolve(null, "HealthTests.Learns", NoEnvironment));
    }

    [Theory]
    [InlineData("Learns(seed: 3)", "Learns_seed__3_")]
    [InlineData("../../etc", "_.._etc")]
    [InlineData("a/b\\c:d", "a_b_c_d")]
    [InlineData("..", "run")]
    [InlineData("  ", "run")]
    public void Run_names_become_one_portable_folder_name(string runName, string expected)
    {
        Assert.Equal(expected, ArtifactDirectory.ToFileName(runName));
        Assert.Equal(Path.GetFullPath(Path.Combine("/root", expected)), ArtifactDirectory.Resolve(null, runName, _ => "/root"));
    }

    [Theory]
    [InlineData("/src/tests/MlpHealthTests.cs", "Learns", "MlpHealthTests.Learns")]
    [InlineData(@"C:\src\tests\MlpHealthTests.cs", "Learns", "MlpHealthTests.Learns")]
    [InlineData("", "Learns", "Learns")]
    [InlineData("", "", "run")]
    public void The_default_run_name_is_the_test_file_and_method(string file, string member, string expected)
    {
        Assert.Equal(expected, ArtifactDirectory.DefaultRunName(file, member));
    }
}
