using System.Text.RegularExpressions;

namespace ConsentDashboard.Tests.Support;

/// <summary>Removes what differs between two renders of the same page for reasons no user can see.</summary>
public static partial class Markup
{
    public static string WithoutPerRenderTokens(string html) =>
        Nonce().Replace(AntiforgeryValue().Replace(CircuitMarker().Replace(html, ""), "value=\"(token)\""), "nonce=\"(nonce)\"");

    // Circuit descriptors and the encrypted persisted-state blob differ on every render, whatever the data.
    [GeneratedRegex(@"<!--Blazor[:-][\s\S]*?-->")]
    private static partial Regex CircuitMarker();

    [GeneratedRegex("value=\"CfDJ8[^\"]*\"")]
    private static partial Regex AntiforgeryValue();

    // The Content-Security-Policy nonce is new for every response.
    [GeneratedRegex("nonce=\"[^\"]*\"")]
    private static partial Regex Nonce();
}
