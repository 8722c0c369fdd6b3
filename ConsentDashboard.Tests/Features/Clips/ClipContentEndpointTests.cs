using System.Net;
using System.Net.Http.Headers;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Features.Clips;

public sealed class ClipContentEndpointTests(AppFactory app) : IClassFixture<AppFactory>
{
    private async Task<(Guid Id, long Size, string ContentType)> FirstClipOfAsync(string email)
    {
        await using var db = app.CreateDbContext();
        var clip = await db.Clips.Where(c => c.Camera!.Owner!.Email == email).OrderBy(c => c.Id).FirstAsync();
        return (clip.Id, clip.SizeBytes, clip.ContentType);
    }

    private async Task<HttpClient> ClientForAsync(string? email)
    {
        var client = app.CreateBrowserlessClient();
        if (email is not null)
        {
            await SignIn.AsAsync(client, email);
        }

        return client;
    }

    [Fact]
    public async Task Owner_GetsTheWholeClip()
    {
        var clip = await FirstClipOfAsync(DemoAccounts.Resident);
        using var client = await ClientForAsync(DemoAccounts.Resident);

        var response = await client.GetAsync($"/clips/{clip.Id}/content");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(clip.ContentType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(clip.Size, (await response.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        Assert.True(response.Headers.CacheControl!.NoStore);
    }

    [Fact]
    public async Task Owner_RangeRequest_Gets206WithTheRequestedBytes()
    {
        var clip = await FirstClipOfAsync(DemoAccounts.Resident);
        using var client = await ClientForAsync(DemoAccounts.Resident);
        using var whole = await client.GetAsync($"/clips/{clip.Id}/content");
        var bytes = await whole.Content.ReadAsByteArrayAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/clips/{clip.Id}/content");
        request.Headers.Range = new RangeHeaderValue(100, 1123);

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes 100-1123/{clip.Size}", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal(bytes[100..1124], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Owner_OpenEndedRangeFromTheMiddle_GetsTheTail()
    {
        var clip = await FirstClipOfAsync(DemoAccounts.Resident);
        using var client = await ClientForAsync(DemoAccounts.Resident);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/clips/{clip.Id}/content");
        request.Headers.Range = new RangeHeaderValue(clip.Size - 10, null);

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes {clip.Size - 10}-{clip.Size - 1}/{clip.Size}", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal(10, (await response.Content.ReadAsByteArrayAsync()).Length);
    }

    public static TheoryData<string> Outsiders => new()
    {
        "another resident",
        "officer",
        "auditor",
        "admin",
        "anonymous",
    };

    [Theory]
    [MemberData(nameof(Outsiders))]
    public async Task AnyoneButTheOwner_GetsAPlain404(string who)
    {
        var email = who switch
        {
            "another resident" => DemoAccounts.OtherResident,
            "officer" => DemoAccounts.Officer,
            "auditor" => DemoAccounts.Auditor,
            "admin" => DemoAccounts.Admin,
            _ => null,
        };
        var clip = await FirstClipOfAsync(DemoAccounts.Resident);
        using var client = await ClientForAsync(email);

        var response = await client.GetAsync($"/clips/{clip.Id}/content");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEqual("video/webm", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/clips/00000000-0000-0000-0000-000000000000/content")]
    [InlineData("/clips/not-a-clip/content")]
    [InlineData("/clips/..%2F..%2Fconsentdashboard.db/content")]
    [InlineData("/clips/1/content")]
    public async Task SomethingThatIsNotAClipId_Is404(string path)
    {
        using var client = await ClientForAsync(DemoAccounts.Resident);

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
