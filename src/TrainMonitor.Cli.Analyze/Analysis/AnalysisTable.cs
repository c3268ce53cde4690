using System.Text;
using Spectre.Console;
using TrainMonitor.Cli.Reports;

namespace TrainMonitor.Cli.Analysis;

/// <summary>
/// One table of the analysis as text cells, with a title and the notes under it, so that the terminal, the markdown file
/// and the HTML report print the same figures.
/// </summary>
/// <param name="Title">What the table is of.</param>
/// <param name="Headers">Column headers; the first column is left-aligned text, the rest numbers.</param>
/// <param name="Rows">Cells, one array per row.</param>
/// <param name="Notes">Lines printed under the table.</param>
internal sealed record AnalysisTable(string Title, IReadOnlyList<string> Headers, IReadOnlyList<string[]> Rows, IReadOnlyList<string> Notes)
{
    /// <summary>Writes the title, the table and the notes to the terminal.</summary>
    public void Write(IAnsiConsole console)
    {
        console.MarkupLineInterpolated($"[bold]{Title}[/]");
        var table = new Table().Border(TableBorder.Simple);
        for (var c = 0; c < Headers.Count; c++)
        {
            var column = new TableColumn(Markup.Escape(Headers[c])).Padding(0, 0, 1, 0);
            table.AddColumn(c == 0 ? column.LeftAligned() : column.RightAligned());
        }

        foreach (var row in Rows)
        {
            table.AddRow(row.Select(cell => (Spectre.Console.Rendering.IRenderable)new Text(cell)));
        }

        console.Write(table);
        foreach (var note in Notes)
        {
            console.MarkupLineInterpolated($"{note}");
        }

        console.WriteLine();
    }

    /// <summary>The table as GitHub-flavoured markdown, notes as a list.</summary>
    public string Markdown()
    {
        static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
        var text = new StringBuilder();
        text.Append("### ").AppendLine(Title).AppendLine();
        text.Append("| ").AppendJoin(" | ", Headers.Select(Cell)).AppendLine(" |");
        text.Append('|').AppendJoin('|', Headers.Select((_, c) => c == 0 ? " --- " : " ---: ")).AppendLine("|");
        foreach (var row in Rows)
        {
            text.Append("| ").AppendJoin(" | ", row.Select(Cell)).AppendLine(" |");
        }

        text.AppendLine();
        foreach (var note in Notes)
        {
            text.Append("- ").AppendLine(note);
        }

        return text.AppendLine().ToString();
    }

    /// <summary>Adds the title, the table and the notes to <paramref name="page"/>.</summary>
    public void AddTo(HtmlDocument page)
    {
        page.Subheading(Title).Table(Headers, Rows.Select(row => (IReadOnlyList<HtmlCell>)row
            .Select((cell, c) => c == 0 ? HtmlCell.Text(cell) : HtmlCell.Number(cell)).ToArray()));
        foreach (var note in Notes)
        {
            page.Paragraph(note, "meta");
        }
    }
}
