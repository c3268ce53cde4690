using System.Buffers.Binary;
using System.IO.Compression;

namespace TrainMonitor.Cli.Analysis.Models;

/// <summary>
/// Tells the checkpoint formats apart by content, not by extension (PyTorch uses .pt, .pth, .bin and .ckpt for both
/// TorchScript modules and state dicts): a zip archive with a <c>code/</c> folder is TorchScript, any other zip or a
/// pickle is a PyTorch state dict, an 8-byte header length followed by a JSON object is safetensors, the rest TorchSharp's
/// own format.
/// </summary>
internal static class CheckpointFormatDetection
{
    /// <summary>The format of the file at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static CheckpointFormat Detect(string path)
    {
        Span<byte> head = stackalloc byte[9];
        long length;
        using (var stream = File.OpenRead(path))
        {
            length = stream.Length;
            head = head[..stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
        }

        if (head.Length >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4)
        {
            return IsTorchScriptArchive(path) ? CheckpointFormat.TorchScript : CheckpointFormat.PyTorch;
        }

        // Protocol-2+ pickles start with PROTO (0x80); torch.save wrote those before it switched to zip (PyTorch 1.6).
        if (head.Length >= 1 && head[0] == 0x80)
        {
            return CheckpointFormat.PyTorch;
        }

        if (head.Length == 9 && head[8] == (byte)'{' && BinaryPrimitives.ReadUInt64LittleEndian(head) is var header && header + 8 <= (ulong)length)
        {
            return CheckpointFormat.Safetensors;
        }

        return CheckpointFormat.TorchSharp;
    }

    /// <summary>What a person calls the format in a message.</summary>
    public static string Describe(CheckpointFormat format) => format switch
    {
        CheckpointFormat.TorchScript => "a TorchScript module",
        CheckpointFormat.PyTorch => "a PyTorch state dict",
        CheckpointFormat.Safetensors => "a safetensors file",
        _ => "a TorchSharp state dict",
    };

    private static bool IsTorchScriptArchive(string path)
    {
        // torch.jit.save writes <name>/code/…; torch.save of a state dict writes <name>/data.pkl and <name>/data/… only.
        using var archive = ZipFile.OpenRead(path);
        return archive.Entries.Any(e => e.FullName.Contains("/code/", StringComparison.Ordinal));
    }
}
