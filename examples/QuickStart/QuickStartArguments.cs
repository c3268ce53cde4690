using System.Globalization;

namespace QuickStart;

/// <summary>
/// Command-line flags: <c>--steps N</c>, <c>--port P</c> (0 turns the endpoint off), <c>--output DIR</c>, <c>--threads N</c>
/// (libtorch intra-op threads, default 1, 0 = libtorch's default), <c>--help</c>.
/// </summary>
internal sealed record QuickStartArguments(int Steps, int? Port, string? Output, bool Help = false, int Threads = QuickStartArguments.DefaultThreads)
{
    public const int DefaultSteps = 3000;

    /// <summary>One thread: this model's steps are too small to gain from a second, and on a busy machine more threads than free cores thrash (README).</summary>
    public const int DefaultThreads = 1;

    /// <summary>Parses the flags; a bad one throws <see cref="ArgumentException"/> with a one-line message naming the flag and the value.</summary>
    public static QuickStartArguments Parse(string[] args)
    {
        int steps = DefaultSteps;
        int? port = null;
        string? output = null;
        var threads = DefaultThreads;
        for (var i = 0; i < args.Length; i++)
        {
            var flag = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{flag} needs a value.");
            switch (flag)
            {
                case "--steps":
                    steps = Integer(flag, Value(), 1, int.MaxValue, "a number of steps, at least 1");
                    break;
                case "--port":
                    port = Integer(flag, Value(), 0, 65535, "a TCP port in 0..65535, 0 = no endpoint");
                    break;
                case "--output":
                    output = Value();
                    break;
                case "--threads":
                    threads = Integer(flag, Value(), 0, 1024, "a number of threads in 0..1024, 0 = libtorch's default");
                    break;
                case "--help" or "-h":
                    return new QuickStartArguments(steps, port, output, Help: true, threads);
                default:
                    throw new ArgumentException($"Unknown argument '{flag}'.");
            }
        }

        return new QuickStartArguments(steps, port, output, Threads: threads);
    }

    private static int Integer(string flag, string text, int min, int max, string meaning) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"{flag} '{text}' is invalid: it must be {meaning}.");

    public const string Usage = "usage: dotnet run -c Release --project examples/QuickStart -- [--steps N] [--port P (0 = no endpoint)] [--output DIR] [--threads N (default 1, 0 = libtorch's default)]";
}
