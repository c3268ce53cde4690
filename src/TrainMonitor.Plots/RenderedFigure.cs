namespace TrainMonitor.Plots;

/// <summary>A plot rendered to PNG: its file name, a title and caption for the HTML page, and the image bytes.</summary>
internal sealed record RenderedFigure(string FileName, string Title, string Caption, byte[] Png);
