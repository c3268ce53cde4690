using System.CommandLine;
using TrainMonitor.Cli.Runs;

namespace TrainMonitor.Cli.Commands;

/// <summary>
/// Turns the failures a person can fix (a wrong path, a file that is not a run, an unwritable output directory) into one
/// line on standard error and an exit code, instead of a stack trace.
/// </summary>
internal static class CommandErrors
{
    /// <summary>
    /// Runs <paramref name="action"/>, reporting expected failures on the invocation's error writer, each line
    /// starting with <paramref name="tool"/> (the command the person typed).
    /// </summary>
    public static async Task<int> RunAsync(ParseResult parseResult, Func<Task<int>> action, string tool = ToolNames.Light)
    {
        var error = parseResult.InvocationConfiguration.Error;
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (RunInputException ex)
        {
            await error.WriteLineAsync($"{tool}: error: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"{tool}: error: cannot write the output: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.OutputFailed;
        }
    }
}
