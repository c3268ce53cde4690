using System.Net;
using System.Text;
using TrainMonitor.Plots;

namespace TrainMonitor.Cli.Reports;

/// <summary>
/// A self-contained HTML page: styles inline, images embedded as base64 PNG data URIs, no script and no external URL, so
/// the file can be mailed, attached to a ticket or opened offline and look the same.
/// </summary>
internal sealed class HtmlDocument
{
    private const string Style = """
        body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; margin: 0 auto; max-width: 1280px; padding: 24px 32px; color: #222; background: #fff; }
        h1 { font-size: 26px; margin: 0 0 6px 0; }
        h2 { font-size: 20px; margin: 36px 0 8px 0; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        h3 { font-size: 15px; margin: 18px 0 6px 0; }
        p, li { font-size: 14px; line-height: 1.45; }
        .meta { color: #555; font-size: 14px; }
        .meta b { color: #222; }
        figure { margin: 10px 0; }
        figure img { max-width: 100%; border: 1px solid #eee; }
        figcaption { font-size: 13px; color: #555; margin-top: 2px; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 8px; }
        .grid figure { margin: 0; }
        table { border-collapse: collapse; font-size: 13px; margin: 6px 0; }
        th, td { padding: 3px 9px; text-align: right; border-bottom: 1px solid #eee; white-space: nowrap; }
        th { background: #f4f4f4; }
        td.text, th.text { text-align: left; white-space: normal; }
        .regime { display: inline-block; padding: 1px 7px; border-radius: 3px; color: #fff; font-size: 12px; }
        .warning { background: #fff4e0; border-left: 4px solid #ff9800; padding: 6px 10px; }
        nav a { margin-right: 14px; font-size: 14px; }
        """;

    private readonly StringBuilder _html = new();

    /// <summary>Starts the page with its title.</summary>
    public HtmlDocument(string title)
    {
        _html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .Append(Encode(title)).Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n")
            .Append("<h1>").Append(Encode(title)).Append("</h1>\n");
    }

    /// <summary>HTML-encodes text.</summary>
    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A line of "key: value" facts under the title.</summary>
    public HtmlDocument Facts(IEnumerable<(string Key, string Value)> facts)
    {
        _html.Append("<p class=\"meta\">");
        _html.AppendJoin(" · ", facts.Select(f => $"{Encode(f.Key)}: <b>{Encode(f.Value)}</b>"));
        _html.Append("</p>\n");
        return this;
    }

    /// <summary>Links to the sections of the page.</summary>
    public HtmlDocument Navigation(IEnumerable<(string Id, string Title)> sections)
    {
        _html.Append("<nav>");
        foreach (var (id, title) in sections)
        {
            _html.Append("<a href=\"#").Append(id).Append("\">").Append(Encode(title)).Append("</a>");
        }

        _html.Append("</nav>\n");
        return this;
    }

    /// <summary>A section heading with an anchor.</summary>
    public HtmlDocument Section(string id, string title)
    {
        _html.Append("<h2 id=\"").Append(id).Append("\">").Append(Encode(title)).Append("</h2>\n");
        return this;
    }

    /// <summary>A smaller heading inside a section.</summary>
    public HtmlDocument Subheading(string title)
    {
        _html.Append("<h3>").Append(Encode(title)).Append("</h3>\n");
        return this;
    }

    /// <summary>A paragraph of plain text.</summary>
    public HtmlDocument Paragraph(string text, string? cssClass = null)
    {
        _html.Append(cssClass is null ? "<p>" : $"<p class=\"{cssClass}\">").Append(Encode(text)).Append("</p>\n");
        return this;
    }

    /// <summary>A figure: the PNG embedded as a data URI, with its caption.</summary>
    public HtmlDocument Figure(RenderedFigure figure)
    {
        _html.Append("<figure><img alt=\"").Append(Encode(figure.Title)).Append("\" src=\"data:image/png;base64,")
            .Append(Convert.ToBase64String(figure.Png)).Append("\">");
        if (figure.Caption.Length > 0)
        {
            _html.Append("<figcaption>").Append(Encode(figure.Caption)).Append("</figcaption>");
        }

        _html.Append("</figure>\n");
        return this;
    }

    /// <summary>Small figures side by side, as many per row as fit.</summary>
    public HtmlDocument FigureGrid(IEnumerable<RenderedFigure> figures)
    {
        _html.Append("<div class=\"grid\">\n");
        foreach (var figure in figures)
        {
            Figure(figure);
        }

        _html.Append("</div>\n");
        return this;
    }

    /// <summary>A bulleted list of plain-text items.</summary>
    public HtmlDocument List(IEnumerable<string> items)
    {
        _html.Append("<ul>\n");
        foreach (var item in items)
        {
            _html.Append("<li>").Append(Encode(item)).Append("</li>\n");
        }

        _html.Append("</ul>\n");
        return this;
    }

    /// <summary>A table; cells are plain text unless given as <see cref="HtmlCell"/> with markup.</summary>
    public HtmlDocument Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<HtmlCell>> rows)
    {
        var body = rows.ToArray();
        _html.Append("<table>\n<tr>");
        for (var i = 0; i < headers.Count; i++)
        {
            // A header sits over its column: left for prose, right for numbers (as the first row's cells say).
            var isText = body.Length > 0 && i < body[0].Count && body[0][i].IsText;
            _html.Append(isText ? "<th class=\"text\">" : "<th>").Append(Encode(headers[i])).Append("</th>");
        }

        _html.Append("</tr>\n");
        foreach (var row in body)
        {
            _html.Append("<tr>");
            foreach (var cell in row)
            {
                _html.Append(cell.IsText ? "<td class=\"text\">" : "<td>").Append(cell.Html).Append("</td>");
            }

            _html.Append("</tr>\n");
        }

        _html.Append("</table>\n");
        return this;
    }

    /// <summary>Closes the page and returns its text.</summary>
    public string Finish() => _html.Append("</body>\n</html>\n").ToString();
}
