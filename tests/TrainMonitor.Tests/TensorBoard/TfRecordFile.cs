using System.Buffers.Binary;
using System.Text;

namespace TrainMonitor.Tests.TensorBoard;

/// <summary>
/// Reads a TensorBoard event file independently of TorchSharp: TFRecord framing (uint64 length, masked CRC-32C of the
/// length, data, masked CRC-32C of the data; all little-endian) with both checksums verified, and the few fields of the
/// tensorflow.Event protobuf a scalar needs, decoded from the wire format by hand.
/// </summary>
internal static class TfRecordFile
{
    /// <summary>One value of a summary: its tag and, for a scalar, the float.</summary>
    public sealed record SummaryValue(string Tag, float? SimpleValue);

    /// <summary>One event: wall time, step, file version (the first record only) and summary values.</summary>
    public sealed record Event(double WallTime, long Step, string? FileVersion, IReadOnlyList<SummaryValue> Values);

    /// <summary>Every record of the file, checksums verified.</summary>
    public static IReadOnlyList<Event> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        var position = 0;
        while (position < bytes.Length)
        {
            Assert.True(bytes.Length - position >= 12, $"truncated record header at byte {position}");
            var length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(position));
            Assert.Equal(MaskedCrc32C(bytes.AsSpan(position, 8)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(position + 8)));
            position += 12;
            Assert.True((ulong)(bytes.Length - position) >= length + 4, $"truncated record data at byte {position}");
            var data = bytes.AsSpan(position, (int)length);
            Assert.Equal(MaskedCrc32C(data), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(position + (int)length)));
            events.Add(ParseEvent(data));
            position += (int)length + 4;
        }

        return events;
    }

    /// <summary>CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), bit by bit: slow and obviously right.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>TFRecord's masking: rotate right by 15 bits and add 0xa282ead8.</summary>
    public static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        var crc = Crc32C(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
    }

    private static Event ParseEvent(ReadOnlySpan<byte> data)
    {
        double wallTime = 0;
        long step = 0;
        string? fileVersion = null;
        var values = new List<SummaryValue>();
        var reader = new WireReader(data);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, 1): wallTime = BitConverter.Int64BitsToDouble((long)reader.ReadFixed64()); break;
                case (2, 0): step = (long)reader.ReadVarint(); break;
                case (3, 2): fileVersion = Encoding.UTF8.GetString(reader.ReadBytes()); break;
                case (5, 2): values.AddRange(ParseSummary(reader.ReadBytes())); break;
                default: reader.Skip(wireType); break;
            }
        }

        return new Event(wallTime, step, fileVersion, values);
    }

    private static List<SummaryValue> ParseSummary(ReadOnlySpan<byte> data)
    {
        var values = new List<SummaryValue>();
        var reader = new WireReader(data);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == 2)
            {
                values.Add(ParseValue(reader.ReadBytes()));
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return values;
    }

    private static SummaryValue ParseValue(ReadOnlySpan<byte> data)
    {
        var tag = string.Empty;
        float? simple = null;
        var reader = new WireReader(data);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, 2): tag = Encoding.UTF8.GetString(reader.ReadBytes()); break;
                case (2, 5): simple = BitConverter.Int32BitsToSingle((int)reader.ReadFixed32()); break;
                default: reader.Skip(wireType); break;
            }
        }

        return new SummaryValue(tag, simple);
    }

    /// <summary>The protobuf wire format: varints, fixed 32/64-bit values and length-delimited fields.</summary>
    private ref struct WireReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public bool TryReadTag(out int field, out int wireType)
        {
            if (_position >= _data.Length)
            {
                field = wireType = 0;
                return false;
            }

            var key = ReadVarint();
            field = (int)(key >> 3);
            wireType = (int)(key & 7);
            return true;
        }

        public ulong ReadVarint()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = _data[_position++];
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }
        }

        public ulong ReadFixed64()
        {
            var value = BinaryPrimitives.ReadUInt64LittleEndian(_data[_position..]);
            _position += 8;
            return value;
        }

        public uint ReadFixed32()
        {
            var value = BinaryPrimitives.ReadUInt32LittleEndian(_data[_position..]);
            _position += 4;
            return value;
        }

        public ReadOnlySpan<byte> ReadBytes()
        {
            var length = (int)ReadVarint();
            var bytes = _data.Slice(_position, length);
            _position += length;
            return bytes;
        }

        public void Skip(int wireType)
        {
            switch (wireType)
            {
                case 0: ReadVarint(); break;
                case 1: _position += 8; break;
                case 2: ReadBytes(); break;
                case 5: _position += 4; break;
                default: throw new InvalidDataException($"unsupported wire type {wireType}");
            }
        }
    }
}
