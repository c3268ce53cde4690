// QuickStart: a small MLP trained on a synthetic power-law teacher with TrainMonitor hosted next to it.
// Serilog writes the monitor's structured events to the console and to a compact-JSON file; Prometheus metrics
// are served on http://127.0.0.1:9464/metrics while the run goes; the probes land in a JSON-lines file.

using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using QuickStart;
using Serilog;
using Serilog.Formatting.Compact;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Hosting;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.JsonLines;
using TrainMonitor.Outputs.Reporting;
using TrainMonitor.Probing;
using TrainMonitor.Regimes;
using static TorchSharp.torch;

// Start-up failures (a bad flag or setting, an unwritable directory, a port or host that cannot be bound) print one
// line naming the flag or key and the value, and exit with 2: a stack trace would bury the one thing to fix.
const int BadArgumentsOrConfiguration = 2;
QuickStartArguments arguments;
try
{
    arguments = QuickStartArguments.Parse(args);
}
catch (ArgumentException ex)
{
    return Fail(ex.Message + " " + QuickStartArguments.Usage);
}

if (arguments.Help)
{
    Console.WriteLine(QuickStartArguments.Usage);
    return 0;
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Args = [] });
var overrides = new Dictionary<string, string?>();
if (arguments.Port is { } port)
{
    overrides["TrainMonitor:Prometheus:Port"] = port.ToString(CultureInfo.InvariantCulture);
}

if (arguments.Output is { } outputOverride)
{
    overrides["TrainMonitor:OutputDirectory"] = outputOverride;
}

builder.Configuration.AddInMemoryCollection(overrides);
var section = builder.Configuration.GetSection("TrainMonitor");
var outputSetting = arguments.Output is null ? "TrainMonitor:OutputDirectory" : "--output";
var configuredOutput = section["OutputDirectory"] ?? "artifacts/quickstart";
string output;
try
{
    // The log file below is the first user of the directory, so it is checked here, before the library's own check.
    output = Path.GetFullPath(configuredOutput);
    Directory.CreateDirectory(output);
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
{
    return Fail($"{outputSetting} '{configuredOutput}' cannot be created: {ex.Message}");
}

// Serilog is the host's choice: the library only logs through ILogger.
builder.Services.AddSerilog(logger => logger
    .MinimumLevel.Information()
    .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
    // The host logs a failed start with its stack trace; a bad setting is reported below, in one line, instead.
    .Filter.ByExcluding(e => e.Exception is { } ex && StartupFailures(ex).Length > 0)
    .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}", formatProvider: CultureInfo.InvariantCulture)
    .WriteTo.File(new CompactJsonFormatter(), Path.Combine(output, "quickstart.log.clef")));
builder.Services.AddTrainMonitor(section)
    .AddJsonLines()
    .AddPrometheusExporter();

using var host = builder.Build();
try
{
    await host.StartAsync();
}
catch (Exception ex) when (StartupFailures(ex) is { Length: > 0 } failures)
{
    return Fail(string.Join("; ", failures));
}

if (arguments.Threads > 0)
{
    torch.set_num_threads(arguments.Threads);
}

torch.manual_seed(7);
using var task = new PowerLawTeacherTask(dimension: 48, covarianceExponent: 1.5, teacherExponent: 2.0, seed: 11);
var (probeInputs, probeTargets) = task.Sample(512);
var (trainInputs, trainTargets) = task.Sample(4096);

static nn.Module<Tensor, Tensor> CreateModel() => nn.Sequential(
    ("fc1", nn.Linear(48, 256)), ("act1", nn.GELU()),
    ("fc2", nn.Linear(256, 256)), ("act2", nn.GELU()),
    ("out", nn.Linear(256, 1)));

var model = CreateModel();
const double learningRate = 0.05;
using var optimizer = optim.SGD(model.parameters(), learningRate, momentum: 0.9);

var factory = host.Services.GetRequiredService<ITrainingMonitorFactory>();
var monitor = factory.Attach(model,
    ProbeSet.FromTensors(probeInputs, probeTargets, batchSize: 256),
    ErrorFunctions.SquaredError,
    modelFactory: CreateModel);

// Ctrl+C and SIGTERM (the host's console lifetime catches both) end the training loop between steps; the host then drains
// the monitor as after a full run — the final probe at the last step, every event written — and the program exits cleanly.
var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
var batchSize = 128;
var generator = new Generator(13);
var stopwatch = Stopwatch.StartNew();
Console.WriteLine($"Training {arguments.Steps} steps; metrics: {(section.GetValue("Prometheus:Port", 9464) == 0 ? "off" : $"http://{section["Prometheus:Host"] ?? "127.0.0.1"}:{section.GetValue("Prometheus:Port", 9464)}/metrics")}; output: {output}");
Console.WriteLine("    step       loss   probes  skipped  frontier λ_f    regime");
for (var step = 1; step <= arguments.Steps; step++)
{
    if (stopping.IsCancellationRequested)
    {
        Console.WriteLine($"Stopping at step {step - 1} of {arguments.Steps} (signal received).");
        break;
    }

    using var scope = NewDisposeScope();
    var index = randint(0, trainInputs.shape[0], new long[] { batchSize }, generator: generator);
    optimizer.zero_grad();
    var prediction = model.call(trainInputs.index_select(0, index));
    var loss = nn.functional.mse_loss(prediction, trainTargets.index_select(0, index));
    loss.backward();
    optimizer.step();
    var lossValue = loss.item<float>();
    monitor.OnStep(step, learningRate, lossValue);

    if (step % Math.Max(1, arguments.Steps / 10) == 0 || step == arguments.Steps)
    {
        var status = monitor.Status;
        var last = monitor.History.LastOrDefault();
        var frontier = last is null ? "-" : last.Frontier.IsDetermined ? last.Frontier.Lambda.ToString("E3", CultureInfo.InvariantCulture) : "undetermined";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{step,8} {lossValue,10:E3} {status.ProbesTotal,8} {status.ProbesSkippedTotal,8}  {frontier,12}    {monitor.Regime.ToWireName()}"));
    }
}

Console.WriteLine($"Trained in {stopwatch.Elapsed.TotalSeconds:F1} s; draining the monitor...");
await host.StopAsync();

var runFile = new JsonLinesOptions { OutputDirectory = output }.PathFor(monitor.Status.Run);
// The sink appends (a rerun continues the file); the table shows this run's probes only, by the run id they carry.
var runId = monitor.History.LastOrDefault()?.RunId;
List<ProbeSnapshot> snapshots = runId is null ? [] : (await JsonLinesReader.ReadAllAsync(runFile)).Where(s => s.RunId == runId).ToList();
Console.WriteLine();
Console.WriteLine($"{snapshots.Count} probes of this run in {runFile} (the file is appended to by every run)");
Console.WriteLine(ShellProfileTable.Render(snapshots));
var final = monitor.Status;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"probes {final.ProbesTotal}, skipped {final.ProbesSkippedTotal}, failed {final.ProbeFailuresTotal}, overhead ratio {final.OverheadRatio:F3}"));
return 0;

static int Fail(string message)
{
    Console.Error.WriteLine(message.ReplaceLineEndings(" "));
    return BadArgumentsOrConfiguration;
}

// Validation at start throws one OptionsValidationException, or an AggregateException of them when several options
// classes fail; anything else is a bug and keeps its stack trace.
static string[] StartupFailures(Exception ex) => ex switch
{
    OptionsValidationException validation => [validation.Message],
    AggregateException aggregate when aggregate.InnerExceptions.All(e => e is OptionsValidationException) =>
        aggregate.InnerExceptions.Select(e => e.Message).ToArray(),
    _ => [],
};
