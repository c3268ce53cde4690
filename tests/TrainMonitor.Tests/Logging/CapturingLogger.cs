using Microsoft.Extensions.Logging;

namespace TrainMonitor.Tests.Logging;

/// <summary>An <see cref="ILogger{T}"/> that keeps every event it is given, enabled for every level.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    public List<CapturedLogEvent> Events { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var properties = Assert.IsAssignableFrom<IReadOnlyList<KeyValuePair<string, object?>>>(state);
        Events.Add(new CapturedLogEvent(logLevel, eventId, properties.ToArray(), formatter(state, exception), exception));
    }
}

/// <summary>One captured log event: level, id, structured properties (including <c>{OriginalFormat}</c>), rendered message and exception.</summary>
internal sealed record CapturedLogEvent(LogLevel Level, EventId EventId, IReadOnlyList<KeyValuePair<string, object?>> State, string Message,
    Exception? Exception = null)
{
    public object? this[string name] => State.Single(p => p.Key == name).Value;

    /// <summary>Property names, without <c>{OriginalFormat}</c>.</summary>
    public IEnumerable<string> PropertyNames => State.Select(p => p.Key).Where(k => k != "{OriginalFormat}");

    public string Template => (string)this["{OriginalFormat}"]!;
}
