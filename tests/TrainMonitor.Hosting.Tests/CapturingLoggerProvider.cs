using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TrainMonitor.Hosting.Tests;

/// <summary>A logger provider that keeps every event of every category, at every level.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<CapturedEvent> Events { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CategoryLogger(categoryName, Events);

    public void Dispose()
    {
    }

    private sealed class CategoryLogger(string category, ConcurrentQueue<CapturedEvent> events) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            events.Enqueue(new CapturedEvent(category, logLevel, eventId.Id, exception, formatter(state, exception)));
    }
}

/// <summary>One captured event: its logger category, level, event id, exception and rendered message.</summary>
internal sealed record CapturedEvent(string Category, LogLevel Level, int EventId, Exception? Exception, string Message);
