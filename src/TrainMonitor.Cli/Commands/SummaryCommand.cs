using System.CommandLine;
using Spectre.Console;
using TrainMonitor.Cli.Terminal;

namespace TrainMonitor.Cli.Commands;

/// <summary><c>trainmonitor summary &lt;run.jsonl&gt; [--run N|id|all]</c>: the per-probe table in the terminal.</summary>
internal static class SummaryCommand
{
    /// <summary>Builds the command; output goes to <paramref name="console"/>.</summary>
    public static Command Create(IAnsiConsole console)
    {
        var input = new Argument<string>("run.jsonl") { Description = "The JSON-lines file the run wrote." };
        var run = RunOption.Create();
        var command = new Command("summary", "Print one line per probe: step, energies, frontier λ_f with its certified interval, fit λ, regime.") { input, run };
        command.SetAction((parseResult, ct) => CommandErrors.RunAsync(parseResult, async () =>
        {
            var history = await RunOption.LoadAsync(console, parseResult.GetRequiredValue(input), parseResult.GetValue(run), ct).ConfigureAwait(false);
            SummaryTable.Write(console, history);
            return ExitCodes.Success;
        }));
        return command;
    }
}
