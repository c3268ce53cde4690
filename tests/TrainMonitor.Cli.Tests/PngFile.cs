using System.Buffers.Binary;
using SkiaSharp;

namespace TrainMonitor.Cli.Tests;

/// <summary>Reads what a test needs from a PNG file: the signature, the size in the IHDR chunk, and pixel colours.</summary>
internal static class PngFile
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Width and height from the IHDR chunk; fails the test when the bytes are not a PNG.</summary>
    public static (int Width, int Height) Size(byte[] png)
    {
        Assert.True(png.Length > 33, $"{png.Length} bytes is too short for a PNG");
        Assert.Equal(Signature, png[..8]);
        Assert.Equal("IHDR"u8.ToArray(), png[12..16]);
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    /// <summary>How many pixels have exactly the colour <paramref name="hex"/> (#rrggbb, opaque).</summary>
    public static int CountPixels(byte[] png, string hex)
    {
        var target = SKColor.Parse(hex);
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        var count = 0;
        foreach (var pixel in bitmap.Pixels)
        {
            if (pixel.Red == target.Red && pixel.Green == target.Green && pixel.Blue == target.Blue && pixel.Alpha == 255)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// How many opaque pixels are within <paramref name="tolerance"/> of <paramref name="hex"/> in every channel: a
    /// translucent fill over white comes out of the blend rounded either way.
    /// </summary>
    public static int CountPixelsNear(byte[] png, string hex, int tolerance)
    {
        var target = SKColor.Parse(hex);
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        return bitmap.Pixels.Count(p => p.Alpha == 255 && Math.Abs(p.Red - target.Red) <= tolerance
            && Math.Abs(p.Green - target.Green) <= tolerance && Math.Abs(p.Blue - target.Blue) <= tolerance);
    }

    /// <summary>Number of distinct colours, a cheap check that a figure is not blank.</summary>
    public static int DistinctColours(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        return bitmap.Pixels.Distinct().Count();
    }
}
