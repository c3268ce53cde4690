namespace TrainMonitor.Probing;

/// <summary>The lowercase names of probe methods used in JSON lines (<c>probe_methods</c>).</summary>
public static class ProbeMethodNames
{
    /// <summary>The wire name of <paramref name="method"/>, e.g. <c>gram</c>.</summary>
    public static string ToWireName(ProbeMethod method) => method switch
    {
        ProbeMethod.Lanczos => "lanczos",
        ProbeMethod.Exact => "exact",
        ProbeMethod.Gram => "gram",
        ProbeMethod.Auto => "auto",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown probe method."),
    };

    /// <summary>Parses a wire name back to the method.</summary>
    public static ProbeMethod Parse(string name)
    {
        foreach (var method in Enum.GetValues<ProbeMethod>())
        {
            if (ToWireName(method) == name)
            {
                return method;
            }
        }

        throw new FormatException($"'{name}' is not a probe method name (lanczos, exact, gram, auto).");
    }
}
