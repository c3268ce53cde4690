using Spectre.Console;
using TrainMonitor.Cli.Commands;

return await TrainMonitorCommand.InvokeAsync(args, AnsiConsole.Console, Console.Out, Console.Error);
