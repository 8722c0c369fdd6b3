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
    /// Whether the stored hash is the hash of these fields, computed without allocating: the fast path of verification.
    /// The canonical bytes are built in <paramref name="buffer"/>, which grows when an entry is larger.
    /// </summary>
    public static bool HashMatches(
        long sequence, DateTime timestamp, string actor, string action, string subject, string details, string previousHash, string hash,
        ref byte[] buffer) =>
        HashMatches(sequence, timestamp.ToString(TimestampFormat, CultureInfo.InvariantCulture), actor, action, subject, details, previousHash, hash, ref buffer);

    /// <summary>
    /// The same check from a timestamp as SQLite stores it ("2026-11-29 21:04:10.123456", trailing zeros trimmed), turned
    /// into the canonical form without parsing a date. Anything not in that shape simply fails the check.
    /// </summary>
    public static string CanonicalFromStored(string stored)
    {
        if (stored.Length < 19 || stored[10] != ' ')
        {
            return stored;
        }

        Span<char> text = stackalloc char[27];
        stored.AsSpan(0, 19).CopyTo(text);
        text[10] = 'T';
        text[19] = '.';
        var fraction = stored.Length > 20 && stored[19] == '.' ? stored.AsSpan(20) : [];
        for (var i = 0; i < 6; i++)
        {
            text[20 + i] = i < fraction.Length ? fraction[i] : '0';
        }

        text[26] = 'Z';
        return new string(text);
    }

    public static bool HashMatches(
        long sequence, string canonicalTimestamp, string actor, string action, string subject, string details, string previousHash, string hash,
        ref byte[] buffer)
    {
        Span<byte> stored = stackalloc byte[32];
        if (Convert.FromHexString(hash, stored, out _, out var storedLength) != System.Buffers.OperationStatus.Done || storedLength != 32)
        {
            return false;
        }

        var needed = 32 + 6 * 4 + 20 + 27 + Encoding.UTF8.GetMaxByteCount(actor.Length + action.Length + subject.Length + details.Length);
        if (buffer.Length < needed)
        {
            buffer = new byte[Math.Max(needed, buffer.Length * 2)];
        }

        var span = buffer.AsSpan();
        if (Convert.FromHexString(previousHash, span[..32], out _, out var previousLength) != System.Buffers.OperationStatus.Done || previousLength != 32)
        {
            return false;
        }

        var length = 32;
        length += WriteField(span[length..], sequence);
        length += WriteField(span[length..], canonicalTimestamp);
        length += WriteField(span[length..], actor);
        length += WriteField(span[length..], action);
        length += WriteField(span[length..], subject);
        length += WriteField(span[length..], details);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(span[..length], digest);
        return digest.SequenceEqual(stored);
    }

    private static int WriteField(Span<byte> target, long value)
    {
        value.TryFormat(target[4..], out var written, default, CultureInfo.InvariantCulture);
        BinaryPrimitives.WriteUInt32BigEndian(target, (uint)written);
        return 4 + written;
    }

    private static int WriteField(Span<byte> target, string value)
    {
        var written = Encoding.UTF8.GetBytes(value, target[4..]);
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
