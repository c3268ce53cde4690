using System.CommandLine;

namespace TrainMonitor.Cli.Commands;

/// <summary>
/// <c>trainmonitor analyze …</c>: says where analyze is now. It runs libtorch, which this tool does not carry (with
/// libtorch for three operating systems the package was 346 MB, above nuget.org's 250 MB); docs and habits that say
/// <c>trainmonitor analyze</c> get the command to type instead of "unrecognized command".
/// </summary>
internal static class AnalyzeMovedCommand
{
    /// <summary>The line printed on standard error, ending with the arguments given.</summary>
    public static string Message(IEnumerable<string> arguments) =>
        $"{ToolNames.Light}: error: analyze runs libtorch, which this tool does not carry; it is the separate tool {ToolNames.AnalyzePackage}: " +
        $"dotnet tool install -g {ToolNames.AnalyzePackage}, then {string.Join(' ', [ToolNames.Analyze, .. arguments])}";

    /// <summary>Builds the command: it declares no arguments, so every token after it is unmatched and echoed in order.</summary>
    public static Command Create()
    {
        var command = new Command("analyze", $"Moved to the {ToolNames.Analyze} tool (package {ToolNames.AnalyzePackage}), which carries libtorch.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            var given = parseResult.UnmatchedTokens;
            await parseResult.InvocationConfiguration.Error.WriteLineAsync(Message(given).AsMemory(), ct).ConfigureAwait(false);
            return ExitCodes.Usage;
        });
        return command;
    }
}
