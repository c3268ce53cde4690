namespace TrainMonitor.Packaging.Tests;

/// <summary>What a <c>dotnet</c> command printed (stdout and stderr interleaved) and how it ended.</summary>
public sealed record CommandResult(string CommandLine, int ExitCode, string Output, TimeSpan Duration)
{
    public override string ToString() => $"$ {CommandLine}\n(exit {ExitCode} after {Duration.TotalSeconds:F1} s)\n{Output}";
}
