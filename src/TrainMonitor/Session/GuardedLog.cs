namespace TrainMonitor.Session;

/// <summary>Writes to a logger that may itself throw: a broken logger must not take the run down with it.</summary>
internal static class GuardedLog
{
    public static void Write(Action write)
    {
        try
        {
            write();
        }
        catch
        {
            // Nothing sensible is left to report to.
        }
    }
}
