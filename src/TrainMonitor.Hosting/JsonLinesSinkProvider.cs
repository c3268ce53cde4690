using Microsoft.Extensions.Options;
using TrainMonitor.Outputs;
using TrainMonitor.Outputs.JsonLines;

namespace TrainMonitor.Hosting;

internal sealed class JsonLinesSinkProvider(IOptions<JsonLinesOptions> options) : IMonitorSinkProvider
{
    public IMonitorSink Create(MonitorSinkContext context) => new JsonLinesSink(options.Value.PathFor(context.RunName));
}
