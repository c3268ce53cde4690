using TrainMonitor.Benchmarks;

var suites = new Dictionary<string, Func<string[], int>>(StringComparer.OrdinalIgnoreCase)
{
    ["operator"] = OperatorSuite.Run,
    ["accuracy"] = AccuracySuite.Run,
    ["overhead"] = OverheadSuite.Run,
    ["scale"] = ScaleSuite.Run,
    ["nullfloor"] = NullFloorSuite.Run,
    ["firstrun"] = FirstRunSuite.Run,
};

if (args.Length == 0 || !suites.TryGetValue(args[0], out var suite))
{
    Console.Error.WriteLine($"usage: dotnet run -c Release --project tests/TrainMonitor.Benchmarks -- <{string.Join("|", suites.Keys)}> [--option value ...]");
    return 2;
}

return suite(args[1..]);
