using Microsoft.Extensions.Logging;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.Logging;

namespace TrainMonitor.Hosting;

/// <summary>Structured log events through the host's logging (Serilog or any other provider): always registered.</summary>
internal sealed class LoggingSinkProvider(ILogger<LoggingSink> logger) : IMonitorSinkProvider
{
    public IMonitorSink Create(MonitorSinkContext context) => new LoggingSink(logger);
}
