using System.Globalization;
using System.Text;
using Prometheus;

namespace TrainMonitor.Prometheus.Tests;

/// <summary>One sample line of the Prometheus text format.</summary>
internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"{Name} has no label '{name}'.");
}

/// <summary>A metric family: its HELP, TYPE and samples (for a histogram, the _bucket/_sum/_count lines).</summary>
internal sealed class MetricFamily(string name)
{
    public string Name { get; } = name;

    public string? Help { get; set; }

    public string? Type { get; set; }

    public List<Sample> Samples { get; } = [];
}

/// <summary>A minimal parser of the Prometheus text exposition format (version 0.0.4), enough to check what a scrape sees.</summary>
internal sealed class ExpositionText
{
    private ExpositionText(string text, Dictionary<string, MetricFamily> families)
    {
        Text = text;
        Families = families;
    }

    public string Text { get; }

    public IReadOnlyDictionary<string, MetricFamily> Families { get; }

    public static async Task<ExpositionText> ScrapeAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return Parse(Encoding.UTF8.GetString(stream.ToArray()));
    }

    public static ExpositionText Parse(string text)
    {
        var families = new Dictionary<string, MetricFamily>(StringComparer.Ordinal);
        MetricFamily Family(string name)
        {
            if (!families.TryGetValue(name, out var family))
            {
                family = new MetricFamily(name);
                families.Add(name, family);
            }

            return family;
        }

        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line["# HELP ".Length..];
                var space = rest.IndexOf(' ');
                Family(space < 0 ? rest : rest[..space]).Help = space < 0 ? "" : rest[(space + 1)..];
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line["# TYPE ".Length..].Split(' ');
                Family(parts[0]).Type = parts[1];
                continue;
            }

            if (line.StartsWith('#'))
            {
                continue;
            }

            var sample = ParseSample(line);
            var familyName = sample.Name;
            foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
            {
                if (sample.Name.EndsWith(suffix, StringComparison.Ordinal) && families.TryGetValue(sample.Name[..^suffix.Length], out var histogram)
                    && histogram.Type == "histogram")
                {
                    familyName = histogram.Name;
                }
            }

            Family(familyName).Samples.Add(sample);
        }

        return new ExpositionText(text, families);
    }

    public MetricFamily Family(string name) =>
        Families.TryGetValue(name, out var family) ? family : throw new KeyNotFoundException($"No metric family '{name}' in the exposition:\n{Text}");

    /// <summary>Samples named exactly <paramref name="name"/> whose labels include every pair of <paramref name="labels"/>.</summary>
    public IReadOnlyList<Sample> Find(string name, params (string Label, string Value)[] labels) =>
        Families.Values.SelectMany(f => f.Samples)
            .Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value))
            .ToList();

    /// <summary>The value of the one sample named <paramref name="name"/> with these labels; fails if there is not exactly one.</summary>
    public double Value(string name, params (string Label, string Value)[] labels)
    {
        var found = Find(name, labels);
        Assert.True(found.Count == 1, $"Expected one sample {name}{{{string.Join(",", labels.Select(l => $"{l.Label}=\"{l.Value}\""))}}}, found {found.Count}.");
        return found[0].Value;
    }

    private static Sample ParseSample(string line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
        {
            i++;
        }

        var name = line[..i];
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var labelName = line[i..eq].Trim();
                i = eq + 1;
                if (line[i] != '"')
                {
                    throw new FormatException($"Label value not quoted: {line}");
                }

                i++;
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch { 'n' => '\n', var c => c });
                    }
                    else
                    {
                        value.Append(line[i]);
                    }

                    i++;
                }

                i++;
                labels.Add(labelName, value.ToString());
                if (line[i] == ',')
                {
                    i++;
                }
            }

            i++;
        }

        var fields = line[i..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var number = fields[0] switch
        {
            "NaN" => double.NaN,
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            var f => double.Parse(f, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, number);
    }
}
