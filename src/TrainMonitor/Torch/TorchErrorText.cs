namespace TrainMonitor.Torch;

/// <summary>
/// One-line forms of exception messages. libtorch's errors reach .NET as exceptions whose message is the error on its
/// first line followed by the C++ stack (<c>Exception raised from … frame #0: …</c>, some 45 lines); a log line or an
/// exception message that embeds the whole text buries the one line a user needs.
/// </summary>
internal static class TorchErrorText
{
    /// <summary>The first non-blank line of <paramref name="message"/>, trimmed (empty when there is none).</summary>
    public static string FirstLine(string? message)
    {
        if (string.IsNullOrEmpty(message))
        {
            return string.Empty;
        }

        foreach (var line in message.AsSpan().EnumerateLines())
        {
            var trimmed = line.Trim();
            if (!trimmed.IsEmpty)
            {
                return trimmed.ToString();
            }
        }

        return string.Empty;
    }

    /// <summary>
    /// The first line of the exception's message, without the <c>(Parameter 'x')</c> suffix of an
    /// <see cref="ArgumentException"/> (whose parameter names the callee's argument, not anything the reader passed).
    /// </summary>
    public static string Summary(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = exception.Message;
        if (exception is ArgumentException { ParamName: { } name })
        {
            var suffix = $" (Parameter '{name}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
            {
                message = message[..^suffix.Length];
            }
        }

        return FirstLine(message);
    }
}
