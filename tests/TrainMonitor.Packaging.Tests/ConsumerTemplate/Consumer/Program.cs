using System.Globalization;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Probing;
using TrainMonitor.Session;
using static TorchSharp.torch;

// One monitored training step with the README's plain Attach (default options; the first probe is never postponed by
// the budget), then what the monitor saw, one "key=value" line each for the packaging test. With the argument
// "wrong-shape" the probe inputs have 4 features for a model that takes 3: Attach must refuse them, naming both shapes.
var inputs = linspace(-1, 1, 96).reshape(32, 3);
var targets = sin(inputs.sum(1, keepdim: true));
var model = nn.Sequential(("hidden", nn.Linear(3, 16)), ("tanh", nn.Tanh()), ("out", nn.Linear(16, 1)));
var optimizer = optim.SGD(model.parameters(), 0.05);

var options = new MonitorOptions();
Console.WriteLine($"defaults.enabled={options.Enabled}");
Console.WriteLine($"defaults.lanczos_steps={options.Probe.LanczosSteps}");
Console.WriteLine($"defaults.shell_ratio={options.Probe.ShellRatio.ToString(CultureInfo.InvariantCulture)}");

if (args.Contains("wrong-shape"))
{
    var wide = cat([inputs, inputs[.., ..1]], 1);
    try
    {
        TrainingMonitor.Attach(model, ProbeSet.FromTensors(wide, targets, batchSize: 32), ErrorFunctions.SquaredError).Dispose();
        Console.WriteLine("attach=accepted");
        return 0;
    }
    catch (ArgumentException ex)
    {
        Console.WriteLine($"attach_error={ex.Message.ReplaceLineEndings(" ")}");
        return 3;
    }
}

await using var monitor = TrainingMonitor.Attach(model, ProbeSet.FromTensors(inputs, targets, batchSize: 32), ErrorFunctions.SquaredError);
optimizer.zero_grad();
var loss = nn.functional.mse_loss(model.forward(inputs), targets);
loss.backward();
optimizer.step();
monitor.OnStep(1, learningRate: 0.05, loss: loss.item<float>());
await monitor.FlushAsync();

Console.WriteLine($"probes={monitor.History.Count}");
foreach (var snapshot in monitor.History)
{
    Console.WriteLine($"snapshot.lanczos_steps={snapshot.LanczosSteps}");
    Console.WriteLine($"snapshot.shell_ratio={snapshot.ShellRatio.ToString(CultureInfo.InvariantCulture)}");
    Console.WriteLine($"snapshot.error_energy={snapshot.ErrorEnergy.ToString("R", CultureInfo.InvariantCulture)}");
}

return 0;
