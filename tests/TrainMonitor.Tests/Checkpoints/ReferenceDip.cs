namespace TrainMonitor.Tests.Checkpoints;

/// <summary>What the brute-force screen of a <see cref="ShellLayout"/> found.</summary>
/// <param name="ShellsTested">Shells left after the screen.</param>
/// <param name="PeakShell">Index of the shell with the largest energy; null when no shell carries energy.</param>
/// <param name="Depth">Deepest dip (1 without one); NaN when undecided.</param>
/// <param name="LeftShell">Index of the peak left of the deepest dip; null without one.</param>
/// <param name="RightShell">Index of the peak right of the deepest dip; null without one.</param>
/// <param name="Undecided">True when too few shells (or none) remain to judge.</param>
internal sealed record ReferenceDip(int ShellsTested, int? PeakShell, double Depth, int? LeftShell, int? RightShell, bool Undecided);
