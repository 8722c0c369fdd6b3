using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// Stable pseudonyms for residents, as auditors see them: a keyed HMAC-SHA256 of the user id with a secret kept in the
/// data folder. The same resident always has the same pseudonym; without the key nobody can link it back.
/// </summary>
public sealed class ResidentPseudonyms
{
    private const string Prefix = "R-";
    private readonly byte[] _key;
    private readonly ConcurrentDictionary<string, string> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _reverse = new(StringComparer.OrdinalIgnoreCase);

    public ResidentPseudonyms(DataFolder dataFolder)
    {
        _key = dataFolder.ReadOrCreate("pseudonym.key", () => RandomNumberGenerator.GetBytes(32));
    }

    /// <summary>"R-7K2Q9M4XWD": ten base-32 characters, 50 bits, unique enough for any city.</summary>
    public string For(string residentId) => _cache.GetOrAdd(residentId, id =>
    {
        var mac = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(id));
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        var builder = new StringBuilder(Prefix, Prefix.Length + 10);
        ulong bits = BitConverter.ToUInt64(mac, 0);
        for (var i = 0; i < 10; i++)
        {
            builder.Append(alphabet[(int)(bits & 31)]);
            bits >>= 5;
        }

        var pseudonym = builder.ToString();
        _reverse[pseudonym] = id;
        return pseudonym;
    });

    /// <summary>
    /// The resident behind a pseudonym, among <paramref name="residentIds"/> (asked for only when the pseudonym has not
    /// been computed yet in this process). Null when it is nobody's.
    /// </summary>
    public async Task<string?> FindAsync(string pseudonym, Func<Task<IReadOnlyList<string>>> residentIds)
    {
        pseudonym = pseudonym.Trim();
        if (_reverse.TryGetValue(pseudonym, out var known))
        {
            return known;
        }

        foreach (var id in await residentIds())
        {
            For(id);
        }

        return _reverse.TryGetValue(pseudonym, out var found) ? found : null;
    }

    public static bool LooksLikePseudonym(string text) =>
        text.Length == Prefix.Length + 10 && text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);
}
