using TrainMonitor.Outputs;

namespace TrainMonitor.Session;

/// <summary>One entry of the monitor's dispatch queue: an event for every sink, or a flush request to complete once all earlier entries are written.</summary>
internal readonly record struct DispatchItem(MonitorEvent? Event, TaskCompletionSource? Flush);
