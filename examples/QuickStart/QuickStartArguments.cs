using System.Globalization;

namespace QuickStart;

/// <summary>Command-line flags: <c>--steps N</c>, <c>--port P</c> (0 turns the endpoint off), <c>--output DIR</c>.</summary>
internal sealed record QuickStartArguments(int Steps, int? Port, string? Output)
{
    public const int DefaultSteps = 3000;

    public static QuickStartArguments Parse(string[] args)
    {
        int steps = DefaultSteps;
        int? port = null;
        string? output = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--steps":
                    steps = int.Parse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture);
                    if (steps < 1)
                    {
                        throw new ArgumentException("--steps must be at least 1.");
                    }

                    break;
                case "--port":
                    port = int.Parse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture);
                    break;
                case "--output":
                    output = Value();
                    break;
                case "--help" or "-h":
                    throw new ArgumentException(string.Empty);
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        return new QuickStartArguments(steps, port, output);
    }

    public const string Usage = "usage: dotnet run -c Release --project examples/QuickStart -- [--steps N] [--port P (0 = no endpoint)] [--output DIR]";
}
