namespace TrainMonitor.Cli.Reports;

/// <summary>Sections a command puts before a run's report (see <see cref="RunReport.Html"/>).</summary>
/// <param name="Title">The page's title.</param>
/// <param name="Facts">Facts listed before the run's own.</param>
/// <param name="Sections">Navigation entries (anchor id, title) of the sections <paramref name="Write"/> adds.</param>
/// <param name="Write">Adds the sections to the page.</param>
/// <param name="WrittenBy">The command named at the foot of the page.</param>
internal sealed record ReportPreface(string Title, IReadOnlyList<(string Key, string Value)> Facts, IReadOnlyList<(string Id, string Title)> Sections,
    Action<HtmlDocument> Write, string WrittenBy);
