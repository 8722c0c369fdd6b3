using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ConsentDashboard.Data;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// The bytes an audit entry's hash covers. Stable by design: changing anything here invalidates every stored chain.
/// <code>
/// canonical = field(sequence) ‖ field(timestamp) ‖ field(actor) ‖ field(action) ‖ field(subject) ‖ field(details)
/// field(s)  = uint32 big-endian length of UTF-8(s) ‖ UTF-8(s)
/// sequence  = decimal digits, invariant culture
/// timestamp = UTC, ISO-8601 "yyyy-MM-ddTHH:mm:ss.ffffffZ" (microseconds, which every provider stores exactly)
/// details   = the stored JSON text, byte for byte
/// hash      = lower-case hex of SHA-256(raw 32 bytes of previous hash ‖ canonical)
/// </code>
/// The first entry's previous hash is 64 zeros. Length prefixes keep fields unambiguous whatever they contain.
/// </summary>
public static class AuditCanonicalEncoding
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <summary>Timestamps are truncated to whole microseconds before they are hashed or stored.</summary>
    public static DateTime Normalise(DateTime utc) =>
        new(utc.Ticks - utc.Ticks % 10, DateTimeKind.Utc);

    public static string ComputeHash(AuditEntry entry) => ComputeHash(entry, entry.Sequence);

    /// <summary>The hash the entry would have if it sat at <paramref name="sequence"/>; used to spot renumbering.</summary>
    public static string ComputeHash(AuditEntry entry, long sequence)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> previous = stackalloc byte[32];
        if (Convert.FromHexString(entry.PreviousHash, previous, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != 32)
        {
            // A malformed previous hash cannot be the hash of anything; hash it as text so verification reports it.
            hash.AppendData(Encoding.UTF8.GetBytes(entry.PreviousHash));
        }
        else
        {
            hash.AppendData(previous);
        }

        AppendField(hash, sequence.ToString(CultureInfo.InvariantCulture));
        AppendField(hash, DateTime.SpecifyKind(entry.Timestamp, DateTimeKind.Utc).ToString(TimestampFormat, CultureInfo.InvariantCulture));
        AppendField(hash, entry.Actor);
        AppendField(hash, entry.Action);
        AppendField(hash, entry.Subject);
        AppendField(hash, entry.Details);

        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>
    /// Writes the bytes the hash covers (raw previous hash, then the length-prefixed fields) into <paramref name="target"/>
    /// from raw column values, returning their length, or -1 when a value is malformed or the target too small.
    /// </summary>
    public static int WriteCanonical(Span<byte> target, long sequence, ReadOnlySpan<byte> storedTimestamp, ReadOnlySpan<byte> actor,
        ReadOnlySpan<byte> action, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> details, ReadOnlySpan<byte> previousHashHex)
    {
        var needed = 32 + 6 * 4 + 20 + 27 + actor.Length + action.Length + subject.Length + details.Length;
        if (target.Length < needed || !TryDecodeHex(previousHashHex, target[..32]) || !IsStoredTimestamp(storedTimestamp))
        {
            return -1;
        }

        var length = 32;
        length += WriteField(target[length..], sequence);
        // "2026-11-29 21:04:10.12345" (trailing zeros trimmed) becomes "2026-11-29T21:04:10.123450Z".
        var timestamp = target.Slice(length + 4, 27);
        storedTimestamp[..19].CopyTo(timestamp);
        timestamp[10] = (byte)'T';
        timestamp[19] = (byte)'.';
        var fraction = storedTimestamp.Length > 20 && storedTimestamp[19] == (byte)'.' ? storedTimestamp[20..] : [];
        for (var i = 0; i < 6; i++)
        {
            timestamp[20 + i] = i < fraction.Length ? fraction[i] : (byte)'0';
        }

        timestamp[26] = (byte)'Z';
        BinaryPrimitives.WriteUInt32BigEndian(target[length..], 27);
        length += 4 + 27;
        length += WriteField(target[length..], actor);
        length += WriteField(target[length..], action);
        length += WriteField(target[length..], subject);
        length += WriteField(target[length..], details);
        return length;
    }

    /// <summary>
    /// Exactly the form EF Core's SQLite provider writes for a whole-microsecond time: "yyyy-MM-dd HH:mm:ss", then
    /// nothing or "." and one to six digits, the last not 0. Anything else (a trailing space, a seventh digit, a 'T')
    /// was written by hand, and must not hash as if it were the original.
    /// </summary>
    private static bool IsStoredTimestamp(ReadOnlySpan<byte> stored)
    {
        if (stored.Length < 19 || stored[10] != (byte)' ')
        {
            return false;
        }

        if (stored.Length == 19)
        {
            return true;
        }

        var fraction = stored[20..];
        return stored[19] == (byte)'.' && fraction.Length is >= 1 and <= 6 && !fraction.ContainsAnyExceptInRange((byte)'0', (byte)'9')
            && fraction[^1] != (byte)'0';
    }

    /// <summary>Upper bound of <see cref="WriteCanonical"/>'s length for these field sizes.</summary>
    public static int CanonicalLengthBound(int actor, int action, int subject, int details) => 32 + 6 * 4 + 20 + 27 + actor + action + subject + details;

    public static bool TryDecodeHex(ReadOnlySpan<byte> hexUtf8, Span<byte> destination)
    {
        return hexUtf8.Length == destination.Length * 2
            && Convert.FromHexString(hexUtf8, destination, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == destination.Length;
    }

    /// <summary>Hashes are stored as lower-case hex; the same digits in upper case are a change to the stored row.</summary>
    public static bool IsLowerHex(ReadOnlySpan<byte> utf8) => !utf8.ContainsAnyExcept("0123456789abcdef"u8);

    private static int WriteField(Span<byte> target, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(target, (uint)value.Length);
        value.CopyTo(target[4..]);
        return 4 + value.Length;
    }

    private static int WriteField(Span<byte> target, long value)
    {
        value.TryFormat(target[4..], out var written, default, CultureInfo.InvariantCulture);
        BinaryPrimitives.WriteUInt32BigEndian(target, (uint)written);
        return 4 + written;
    }

    private static void AppendField(IncrementalHash hash, string value)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        var buffer = byteCount <= 512 ? stackalloc byte[4 + byteCount] : new byte[4 + byteCount];
        BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)byteCount);
        Encoding.UTF8.GetBytes(value, buffer[4..]);
        hash.AppendData(buffer);
    }
}
