// Model types for the checkpoint fixtures of `trainmonitor-analyze` (examples/checkpoints), and the program that
// writes the TorchSharp-side series: `regression-series <output dir>`.

using CheckpointModels;

const string Usage = "usage: CheckpointModels regression-series <output dir>";
if (args is not ["regression-series", var output])
{
    Console.Error.WriteLine(Usage);
    return 2;
}

RegressionSeries.Write(output, Console.Out);
return 0;
