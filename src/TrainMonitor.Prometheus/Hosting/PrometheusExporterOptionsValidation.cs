using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace TrainMonitor.Prometheus.Hosting;

/// <summary>
/// Fails start-up, naming the setting and its value, for a port out of range or already taken and for a host the
/// metrics listener cannot bind. The host is checked even when the port is 0 (endpoint off): a bad value is a mistake
/// in the configuration either way, and it would otherwise surface only when someone turns the endpoint on.
/// </summary>
internal sealed class PrometheusExporterOptionsValidation : IValidateOptions<PrometheusExporterOptions>
{
    private const string HostKey = "TrainMonitor:Prometheus:Host";
    private const string PortKey = "TrainMonitor:Prometheus:Port";
    private const string HostAdvice = "Use 127.0.0.1 (loopback), a host name of this machine, or '+' for every interface.";

    public ValidateOptionsResult Validate(string? name, PrometheusExporterOptions options)
    {
        if (options.Port is < 0 or > IPEndPoint.MaxPort)
        {
            return ValidateOptionsResult.Fail($"{PortKey} must lie in 0..65535 (0 turns the endpoint off); got {options.Port.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (string.IsNullOrWhiteSpace(options.Host))
        {
            return ValidateOptionsResult.Fail($"{HostKey} must name an address, e.g. 127.0.0.1; got '{options.Host}'.");
        }

        if (options.Host is "+" or "*")
        {
            return ValidateOptionsResult.Success; // every interface: the listener reports a taken port when it starts.
        }

        var resolved = Resolve(options.Host);
        if (resolved.Failure is { } failure)
        {
            return ValidateOptionsResult.Fail(failure);
        }

        return CheckBind(options, resolved.Address!);
    }

    /// <summary>The address the listener would bind for <paramref name="host"/>, or why it cannot bind any.</summary>
    private static (IPAddress? Address, string? Failure) Resolve(string host)
    {
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (IPAddress.TryParse(literal, out var address))
        {
            // The HttpListener behind the endpoint (managed on Linux and macOS) cannot parse an IPv6 literal in its
            // prefix ("Invalid port in prefix"), and refuses the wildcard addresses ("The request is not supported").
            if (address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                return (null, $"{HostKey} '{host}' cannot be bound: the metrics listener does not accept IPv6 literals. {HostAdvice}");
            }

            if (address.Equals(IPAddress.Any))
            {
                return (null, $"{HostKey} '{host}' cannot be bound: the metrics listener does not listen on the wildcard address; use '+' for every interface.");
            }

            return (address, null);
        }

        try
        {
            // The listener binds the first address of a name, as here.
            var addresses = Dns.GetHostAddresses(host);
            return addresses.Length > 0
                ? (addresses[0], null)
                : (null, $"{HostKey} '{host}' cannot be bound: the name resolves to no address. {HostAdvice}");
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException)
        {
            return (null, $"{HostKey} '{host}' cannot be bound: it is not an IP address and does not resolve ({ex.Message}). {HostAdvice}");
        }
    }

    /// <summary>Binds the address briefly: with the configured port to see it is free, with port 0 to see the address is local.</summary>
    private static ValidateOptionsResult CheckBind(PrometheusExporterOptions options, IPAddress address)
    {
        try
        {
            using var listener = new TcpListener(address, options.Port);
            listener.Start();
            listener.Stop();
            return ValidateOptionsResult.Success;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return ValidateOptionsResult.Fail(
                $"{PortKey} {options.Port.ToString(CultureInfo.InvariantCulture)} is already in use on {options.Host}. Choose another port or 0 to turn the endpoint off.");
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AccessDenied && options.Port != 0)
        {
            return ValidateOptionsResult.Fail(
                $"{PortKey} {options.Port.ToString(CultureInfo.InvariantCulture)} cannot be used on {options.Host}: {ex.Message}. Choose another port or 0 to turn the endpoint off.");
        }
        catch (SocketException ex)
        {
            return ValidateOptionsResult.Fail($"{HostKey} '{options.Host}' cannot be bound on this machine ({address}): {ex.Message}. {HostAdvice}");
        }
    }
}
