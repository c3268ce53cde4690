namespace TrainMonitor.Cli.Runs;

/// <summary>An input file that cannot be used, with a message meant for the person who typed the command.</summary>
internal sealed class RunInputException(string message, Exception? inner = null) : Exception(message, inner);
