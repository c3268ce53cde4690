using System.Net;
using System.Net.Sockets;

namespace TrainMonitor.Observability.Tests.PrometheusServer;

/// <summary>A free loopback TCP port, found by letting the OS assign one to a listener and releasing it.</summary>
internal static class FreePort
{
    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
