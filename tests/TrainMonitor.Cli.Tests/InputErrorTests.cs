namespace TrainMonitor.Cli.Tests;

public sealed class InputErrorTests
{
    public static TheoryData<string> Commands => ["report", "summary", "compare"];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_missing_file_is_one_clear_line_and_exit_code_2(string command)
    {
        using var dir = new TemporaryDirectory();
        var missing = dir.File("nope.jsonl");
        await SyntheticRun.WriteAsync(dir.File("ok.jsonl"), probes: 2);
        string[] args = command == "compare" ? [command, dir.File("ok.jsonl"), missing] : [command, missing];

        var result = await CliRunner.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"trainmonitor: error: {missing}: no such file. Give the JSON-lines file a run wrote (JsonLinesSink or AddJsonLines()).", result.Error.Trim());
        Assert.DoesNotContain("   at ", result.Error + result.Output); // no stack trace
    }

    [Fact]
    public async Task A_file_that_is_not_json_lines_names_the_line()
    {
        using var dir = new TemporaryDirectory();
        await File.WriteAllTextAsync(dir.File("notes.jsonl"), "{\"schema_version\":1}\nhello\n");
        var result = await CliRunner.RunAsync("summary", dir.File("notes.jsonl"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("line 1", result.Error);
        Assert.Contains("is this a TrainMonitor JSON-lines file?", result.Error);
    }

    [Fact]
    public async Task An_empty_file_says_there_is_nothing_to_report()
    {
        using var dir = new TemporaryDirectory();
        await File.WriteAllTextAsync(dir.File("empty.jsonl"), string.Empty);
        var result = await CliRunner.RunAsync("report", dir.File("empty.jsonl"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("holds no probe yet", result.Error);
    }

    [Fact]
    public async Task A_directory_instead_of_a_file_is_refused_with_a_hint()
    {
        using var dir = new TemporaryDirectory();
        var result = await CliRunner.RunAsync("summary", dir.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is a directory", result.Error);
    }

    [Fact]
    public async Task A_missing_argument_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync("report");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("run.jsonl", result.Error + result.Output);
    }
}
