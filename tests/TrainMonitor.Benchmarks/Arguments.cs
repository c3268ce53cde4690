using System.Globalization;

namespace TrainMonitor.Benchmarks;

/// <summary>Reads optional <c>--name value</c> pairs after the suite name.</summary>
internal static class Arguments
{
    public static int Int(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        if (index < 0)
        {
            return fallback;
        }

        if (index + 1 >= args.Length || !int.TryParse(args[index + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            throw new ArgumentException($"{name} needs a positive integer value.");
        }

        return value;
    }
}
