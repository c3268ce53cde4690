using Spectre.Console;
using TrainMonitor.Plots;

namespace TrainMonitor.Cli.Commands;

/// <summary>Writes figures and pages into an output directory and lists what was written.</summary>
internal sealed class OutputFiles(string directory)
{
    private readonly List<(string Path, long Bytes)> _written = [];

    /// <summary>The output directory, absolute.</summary>
    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>Writes a figure's PNG under the directory (sub-directories as in its file name).</summary>
    public Task WriteAsync(RenderedFigure figure, CancellationToken ct) => WriteAsync(figure.FileName, figure.Png, ct);

    /// <summary>Writes <paramref name="content"/> as <paramref name="relativePath"/> under the directory.</summary>
    public async Task WriteAsync(string relativePath, byte[] content, CancellationToken ct)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, content, ct).ConfigureAwait(false);
        _written.Add((path, content.LongLength));
    }

    /// <summary>A table of the files written, grouping the per-probe profiles into one line.</summary>
    public void Describe(IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumn("written").AddColumn(new TableColumn("size").RightAligned());
        foreach (var group in _written.GroupBy(w => Path.GetDirectoryName(w.Path)))
        {
            if (group.Key != Directory && group.Count() > 3)
            {
                table.AddRow(Markup.Escape($"{group.Key}{Path.DirectorySeparatorChar} ({group.Count()} PNG files)"), Size(group.Sum(g => g.Bytes)));
                continue;
            }

            foreach (var (path, bytes) in group)
            {
                table.AddRow(Markup.Escape(path), Size(bytes));
            }
        }

        console.Write(table);
    }

    private static string Size(long bytes) => bytes >= 1 << 20
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / (double)(1 << 20):0.0} MiB")
        : $"{(bytes + 1023) / 1024} KiB";
}
