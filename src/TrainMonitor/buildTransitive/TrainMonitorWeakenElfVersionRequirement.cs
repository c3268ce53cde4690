// Compiled by MSBuild's RoslynCodeTaskFactory from TrainMonitor.targets: no tools beyond the .NET SDK.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class TrainMonitorWeakenElfVersionRequirement : Microsoft.Build.Utilities.Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";
    public string LibStdCxxPath { get; set; } = "";
    /// <summary>
    /// Patch even when this host's libstdc++ has the version: for output that runs elsewhere (a tool package), where
    /// the build host says nothing about the hosts it will meet. A weak requirement the host meets changes nothing.
    /// </summary>
    public bool RegardlessOfHost { get; set; }
    [Output] public ITaskItem[] Patched { get; set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        var host = FindLibStdCxx();
        var hostProvides = host != null && ContainsVersionName(host, VersionName);
        if (hostProvides && !RegardlessOfHost)
        {
            Log.LogMessage(MessageImportance.Low,
                "TrainMonitor: {0} provides {1}; libLibTorchSharp.so left unchanged.", host, VersionName);
            return true;
        }

        var reason = RegardlessOfHost ? "output for other hosts"
            : host == null ? "no libstdc++.so.6 found on this host" : host + " lacks " + VersionName;
        var patched = new List<ITaskItem>();
        foreach (var item in Files)
        {
            var path = item.GetMetadata("FullPath");
            try
            {
                var outcome = Weaken(path, VersionName);
                switch (outcome)
                {
                    case Outcome.Patched:
                        patched.Add(item);
                        Log.LogMessage(MessageImportance.High,
                            "TrainMonitor: marked the {0} requirement weak in {1} ({2}).", VersionName, path, reason);
                        break;
                    case Outcome.AlreadyWeak:
                        Log.LogMessage(MessageImportance.Normal,
                            "TrainMonitor: {0} is already weak in {1}.", VersionName, path);
                        break;
                    case Outcome.NotRequired:
                        Log.LogMessage(MessageImportance.Normal,
                            "TrainMonitor: {1} does not require {0}; left unchanged.", VersionName, path);
                        break;
                    case Outcome.NotElf64LittleEndian:
                        Log.LogMessage(MessageImportance.Normal,
                            "TrainMonitor: {0} is not a 64-bit little-endian ELF file; left unchanged.", path);
                        break;
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is InvalidDataException)
            {
                Log.LogError("TrainMonitor: could not patch {0}: {1}. Set TrainMonitorPatchTorchSharpNative=false to skip this step.",
                    path, ex.Message);
            }
        }

        Patched = patched.ToArray();
        return !Log.HasLoggedErrors;
    }

    private enum Outcome { Patched, AlreadyWeak, NotRequired, NotElf64LittleEndian }

    private string? FindLibStdCxx()
    {
        if (!string.IsNullOrEmpty(LibStdCxxPath))
        {
            return File.Exists(LibStdCxxPath) ? LibStdCxxPath : null;
        }

        var directories = new List<string>();
        var ldPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
        if (!string.IsNullOrEmpty(ldPath))
        {
            directories.AddRange(ldPath.Split(new[] { ':' }, StringSplitOptions.RemoveEmptyEntries));
        }

        directories.AddRange(new[]
        {
            "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib",
        });
        foreach (var directory in directories)
        {
            var candidate = Path.Combine(directory, "libstdc++.so.6");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool ContainsVersionName(string path, string versionName)
    {
        // A version that a library defines appears as a NUL-terminated name in its dynamic string table.
        var needle = Encoding.ASCII.GetBytes(versionName + "\0");
        var bytes = File.ReadAllBytes(path);
        return IndexOf(bytes, needle) >= 0;
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
        {
            var match = true;
            for (var j = 0; j < needle.Length; j++)
            {
                if (haystack[i + j] != needle[j]) { match = false; break; }
            }

            if (match) { return i; }
        }

        return -1;
    }

    private static Outcome Weaken(string path, string versionName)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F'
            || bytes[4] != 2 || bytes[5] != 1)
        {
            return Outcome.NotElf64LittleEndian;
        }

        var shoff = checked((long)BitConverter.ToUInt64(bytes, 0x28));
        int shentsize = BitConverter.ToUInt16(bytes, 0x3A);
        int shnum = BitConverter.ToUInt16(bytes, 0x3C);
        if (shoff <= 0 || shentsize < 64 || shoff + (long)shentsize * shnum > bytes.Length)
        {
            throw new InvalidDataException("section header table lies outside the file");
        }

        var flagOffsets = new List<int>();
        var alreadyWeak = false;
        for (var s = 0; s < shnum; s++)
        {
            var header = (int)(shoff + (long)s * shentsize);
            if (BitConverter.ToUInt32(bytes, header + 4) != ShtGnuVerneed)
            {
                continue;
            }

            var sectionOffset = checked((int)BitConverter.ToUInt64(bytes, header + 24));
            var link = (int)BitConverter.ToUInt32(bytes, header + 40);
            var count = (int)BitConverter.ToUInt32(bytes, header + 44);
            var stringsHeader = (int)(shoff + (long)link * shentsize);
            var strings = checked((int)BitConverter.ToUInt64(bytes, stringsHeader + 24));

            var need = sectionOffset;
            for (var n = 0; n < count; n++)
            {
                int auxCount = BitConverter.ToUInt16(bytes, need + 2);
                var aux = need + (int)BitConverter.ToUInt32(bytes, need + 8);
                for (var a = 0; a < auxCount; a++)
                {
                    var flags = BitConverter.ToUInt16(bytes, aux + 4);
                    var name = ReadString(bytes, strings + (int)BitConverter.ToUInt32(bytes, aux + 8));
                    if (name == versionName)
                    {
                        if ((flags & VerFlgWeak) != 0) { alreadyWeak = true; }
                        else { flagOffsets.Add(aux + 4); }
                    }

                    aux += (int)BitConverter.ToUInt32(bytes, aux + 12);
                }

                need += (int)BitConverter.ToUInt32(bytes, need + 12);
            }
        }

        if (flagOffsets.Count == 0)
        {
            return alreadyWeak ? Outcome.AlreadyWeak : Outcome.NotRequired;
        }

        foreach (var offset in flagOffsets)
        {
            var flags = (ushort)(BitConverter.ToUInt16(bytes, offset) | VerFlgWeak);
            bytes[offset] = (byte)(flags & 0xff);
            bytes[offset + 1] = (byte)(flags >> 8);
        }

        // Write a new file rather than in place: the output copy may be a hard link into the NuGet cache.
        // Keep the timestamp so incremental copies see the file as up to date and do not undo the patch.
        var stamp = File.GetLastWriteTimeUtc(path);
        var temporary = path + ".trainmonitor-tmp";
        File.WriteAllBytes(temporary, bytes);
        File.SetLastWriteTimeUtc(temporary, stamp);
        File.Delete(path);
        File.Move(temporary, path);
        return Outcome.Patched;
    }

    private static string ReadString(byte[] bytes, int offset)
    {
        var end = offset;
        while (end < bytes.Length && bytes[end] != 0) { end++; }
        return Encoding.ASCII.GetString(bytes, offset, end - offset);
    }
}
