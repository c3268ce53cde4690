using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace TrainMonitor.Hosting;

internal sealed class TrainMonitorBuilder(IServiceCollection services, IConfiguration? configuration) : ITrainMonitorBuilder
{
    public IServiceCollection Services { get; } = services;

    public IConfiguration? Configuration { get; } = configuration;
}
