using System.CommandLine;
using Spectre.Console;
using TrainMonitor.Cli.Runs;
using TrainMonitor.Cli.Terminal;

namespace TrainMonitor.Cli.Commands;

/// <summary><c>trainmonitor summary &lt;run.jsonl&gt;</c>: the per-probe table in the terminal.</summary>
internal static class SummaryCommand
{
    /// <summary>Builds the command; output goes to <paramref name="console"/>.</summary>
    public static Command Create(IAnsiConsole console)
    {
        var input = new Argument<string>("run.jsonl") { Description = "The JSON-lines file the run wrote." };
        var command = new Command("summary", "Print one line per probe: step, energies, frontier λ_f with its certified interval, fit λ, regime.") { input };
        command.SetAction((parseResult, ct) => CommandErrors.RunAsync(parseResult, async () =>
        {
            var run = await RunHistory.LoadAsync(parseResult.GetRequiredValue(input), ct).ConfigureAwait(false);
            SummaryTable.Write(console, run);
            return ExitCodes.Success;
        }));
        return command;
    }
}
