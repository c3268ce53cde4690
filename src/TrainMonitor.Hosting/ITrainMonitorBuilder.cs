using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace TrainMonitor.Hosting;

/// <summary>Returned by <c>AddTrainMonitor</c>; output integrations (JSON lines, Prometheus) hang off it.</summary>
public interface ITrainMonitorBuilder
{
    /// <summary>The service collection the monitor is registered in.</summary>
    IServiceCollection Services { get; }

    /// <summary>The configuration section the monitor was bound from, if any (integrations bind their own keys from it).</summary>
    IConfiguration? Configuration { get; }
}
