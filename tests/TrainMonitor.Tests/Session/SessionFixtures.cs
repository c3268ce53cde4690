using System.Collections.Concurrent;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Outputs;
using TrainMonitor.Probing;
using TrainMonitor.Scheduling;
using TrainMonitor.Session;
using static TorchSharp.torch;

namespace TrainMonitor.Tests.Session;

/// <summary>A small float32 regression model with dropout (so the global RNG matters), its data and probe set.</summary>
internal static class SessionFixtures
{
    public const int Inputs = 8;
    public const int Outputs = 2;

    /// <summary>Linear(8,hidden) → Tanh → Dropout(0.2) → Linear(hidden,2), float32; initialised from the global RNG.</summary>
    public static nn.Module<Tensor, Tensor> Model(int hidden) => nn.Sequential(
        ("fc1", nn.Linear(Inputs, hidden)),
        ("act", nn.Tanh()),
        ("drop", nn.Dropout(0.2)),
        ("fc2", nn.Linear(hidden, Outputs)));

    /// <summary>The default model, 16 hidden units.</summary>
    public static nn.Module<Tensor, Tensor> Model() => Model(16);

    /// <summary>A probe set drawn from its own generator (the global RNG is not touched).</summary>
    public static ProbeSet Probe(int count = 32, int batchSize = 16, int seed = 99)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var x = randn([count, Inputs], generator: generator);
        var y = randn([count, Outputs], generator: generator);
        return ProbeSet.FromTensors(x, y, batchSize);
    }

    /// <summary>Monitor options for fast probes every <paramref name="interval"/> steps, no overhead budget.</summary>
    public static MonitorOptions EveryN(long interval, ExecutionMode mode = ExecutionMode.Inline) => new()
    {
        RunName = "test",
        Mode = mode,
        Schedule = new ScheduleOptions { Kind = ScheduleKind.EveryNSteps, ProbeInterval = interval, OverheadBudget = 0 },
        Probe = new SpectralProbeOptions { LanczosSteps = 6, SketchVectors = 2 },
    };

    public static ErrorFunction SquaredError => ErrorFunctions.SquaredError;

    /// <summary>Squared error whose every evaluation (one per forward pass) first sleeps, to make probes slow on purpose.</summary>
    public static ErrorFunction SlowSquaredError(int sleepMilliseconds) => ErrorFunctions.Custom("slow", (o, t) =>
    {
        Thread.Sleep(sleepMilliseconds);
        return (o - t).reshape(-1);
    });
}

/// <summary>
/// Squared error until <see cref="Break"/>, then whatever <c>broken</c> does at every evaluation: a user function that goes
/// wrong mid-run. Attach runs the error function once to check it, so a function broken from the start fails there; a
/// failing probe needs one that breaks after attach.
/// </summary>
internal sealed class BreakableError
{
    private volatile bool _broken;

    public BreakableError(string name, Func<Tensor, Tensor, Tensor> broken) =>
        Function = ErrorFunctions.Custom(name, (o, t) => _broken ? broken(o, t) : (o - t).reshape(-1));

    public ErrorFunction Function { get; }

    public void Break() => _broken = true;

    /// <summary>Throws <see cref="InvalidOperationException"/>("user code failed") once broken.</summary>
    public static BreakableError Throwing() => new("throws", (_, _) => throw new InvalidOperationException("user code failed"));
}

/// <summary>Records every event and flush; optionally waits on a gate before each write.</summary>
internal sealed class RecordingSink : IMonitorSink
{
    private readonly SemaphoreSlim? _gate;

    public RecordingSink(SemaphoreSlim? gate = null) => _gate = gate;

    public ConcurrentQueue<MonitorEvent> Events { get; } = new();

    public int Flushes;

    public async ValueTask WriteAsync(MonitorEvent monitorEvent, CancellationToken ct)
    {
        if (_gate is not null)
        {
            await _gate.WaitAsync(ct);
            _gate.Release();
        }

        Events.Enqueue(monitorEvent);
    }

    public ValueTask FlushAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref Flushes);
        return ValueTask.CompletedTask;
    }

    public T[] Of<T>() where T : MonitorEvent => Events.OfType<T>().ToArray();
}

/// <summary>Throws on every write and flush (synchronously and asynchronously, alternating).</summary>
internal sealed class ThrowingSink : IMonitorSink
{
    public int Attempts;

    public async ValueTask WriteAsync(MonitorEvent monitorEvent, CancellationToken ct)
    {
        if (Interlocked.Increment(ref Attempts) % 2 == 0)
        {
            await Task.Yield();
        }

        throw new IOException("disk full");
    }

    public ValueTask FlushAsync(CancellationToken ct) => throw new IOException("disk full");
}
