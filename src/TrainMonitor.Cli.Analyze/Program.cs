using Spectre.Console;
using TrainMonitor.Cli.Commands;

var console = AnsiConsole.Console;
if (Console.IsOutputRedirected)
{
    // Spectre assumes 80 columns when there is no terminal; a file or pipe has no width, so do not wrap the tables.
    console.Profile.Width = Math.Max(console.Profile.Width, 160);
}

return await AnalyzeCommand.InvokeAsync(args, console, Console.Out, Console.Error);
