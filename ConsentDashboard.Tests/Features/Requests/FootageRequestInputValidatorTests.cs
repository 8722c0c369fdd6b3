using ConsentDashboard.Data;
using ConsentDashboard.Features.Requests;
using ConsentDashboard.Tests.Support;
using Microsoft.Extensions.Options;

namespace ConsentDashboard.Tests.Features.Requests;

/// <summary>
/// Every request rule at its boundary: the last value allowed and the first refused, as the service checks a filing
/// (the form's rules on the input, and the rules that need the officer's agency).
/// </summary>
public sealed class FootageRequestInputValidatorTests : IAsyncLifetime
{
    private static readonly RequestLimits Limits = new();
    private ResidentScenario _scenario = null!;
    private FluentValidation.IValidator<RequestFiling> _validator = null!;

    public async ValueTask InitializeAsync()
    {
        _scenario = await ResidentScenario.CreateAsync();
        _validator = _scenario.Database.Get<FluentValidation.IValidator<RequestFiling>>();
    }

    public ValueTask DisposeAsync()
    {
        _scenario.Dispose();
        return ValueTask.CompletedTask;
    }

    private DateTime Now => _scenario.Time.GetUtcNow().UtcDateTime;

    private FootageRequestInput Valid() => new()
    {
        CaseNumber = "HC-100",
        IncidentType = IncidentType.Robbery,
        Description = "Bag snatched at the bus stop.",
        OfficerContact = "Officer Vale, desk 4",
        CenterLatitude = ResidentScenario.Latitude,
        CenterLongitude = ResidentScenario.Longitude,
        RadiusMeters = 300,
        WindowStart = Now.AddHours(-3),
        WindowEnd = Now.AddHours(-2),
        ExpiresInDays = 7,
    };

    private async Task<List<string>> ErrorsAsync(Action<FootageRequestInput> change, int? agencyId = null)
    {
        var input = Valid();
        change(input);
        var filing = new RequestFiling(agencyId ?? _scenario.Agency.Id, input);
        return (await _validator.ValidateAsync(filing)).Errors.Select(e => e.ErrorMessage).ToList();
    }

    [Fact]
    public async Task AValidRequest_HasNoErrors() => Assert.Empty(await ErrorsAsync(_ => { }));

    [Theory]
    [InlineData(14 * 60 + 59, false)]
    [InlineData(15 * 60, true)]
    [InlineData(12 * 3600, true)]
    [InlineData(12 * 3600 + 60, false)]
    public async Task WindowLength_Between15MinutesAnd12Hours(int seconds, bool allowed)
    {
        var errors = await ErrorsAsync(i =>
        {
            i.WindowEnd = Now.AddDays(-1);
            i.WindowStart = i.WindowEnd.Value.AddSeconds(-seconds);
        });

        Assert.Equal(allowed, errors.Count == 0);
        if (!allowed)
        {
            Assert.Contains(errors, e => e.Contains("at least 15 minutes") || e.Contains("at most 12 hours"));
        }
    }

    [Fact]
    public async Task Window_EndingInTheFuture_IsRefused_EndingNowIsAllowed()
    {
        var future = await ErrorsAsync(i => { i.WindowEnd = Now.AddMinutes(1); i.WindowStart = Now.AddHours(-1); });
        var endingNow = await ErrorsAsync(i => { i.WindowEnd = Now; i.WindowStart = Now.AddHours(-1); });

        Assert.Equal(["The window must be entirely in the past: footage of the future cannot be requested."], future);
        Assert.Empty(endingNow);
    }

    [Fact]
    public async Task Window_EndingBeforeItStarts_IsRefused() =>
        Assert.Equal(["The window must end after it starts."], await ErrorsAsync(i => { i.WindowStart = Now.AddHours(-1); i.WindowEnd = Now.AddHours(-2); }));

    [Fact]
    public async Task Area_Between0025And05SquareMiles()
    {
        // 0.025 sq mi is a radius of 143.56 m; 0.5 sq mi is 642.04 m.
        Assert.NotEmpty(await ErrorsAsync(i => i.RadiusMeters = 143.5));
        Assert.Empty(await ErrorsAsync(i => i.RadiusMeters = 143.6));
        Assert.Empty(await ErrorsAsync(i => i.RadiusMeters = 642.0));
        var tooLarge = await ErrorsAsync(i => i.RadiusMeters = 642.1);

        Assert.Equal(["The area must be between 0.025 and 0.5 square miles (a radius of 144 to 642 m)."], tooLarge);
    }

    [Fact]
    public async Task ThirdRequestForACase_IsRefused()
    {
        // The scenario already holds one request for HC-77.
        Assert.Empty(await ErrorsAsync(i => i.CaseNumber = "HC-77"));
        await using (var db = _scenario.Database.CreateDbContext())
        {
            db.FootageRequests.Add(new FootageRequest
            {
                Id = Guid.NewGuid(), AgencyId = _scenario.Agency.Id, OfficerId = _scenario.Officer.Id, CaseNumber = "HC-77", IncidentType = IncidentType.Burglary,
                Description = "Second", OfficerContact = "desk", RadiusMeters = 300, WindowStart = Now.AddDays(-2), WindowEnd = Now.AddDays(-2).AddHours(1),
                CreatedAt = Now, ExpiresAt = Now.AddDays(7), Status = RequestStatus.Withdrawn,
            });
            await db.SaveChangesAsync();
        }

        var third = await ErrorsAsync(i => i.CaseNumber = " HC-77 ");
        var otherAgency = await ErrorsAsync(i => i.CaseNumber = "HC-77", agencyId: _scenario.Agency.Id + 1000);

        Assert.Equal(["Your agency has already filed 2 requests for this case, the most allowed."], third);
        Assert.Empty(otherAgency);
    }

    [Fact]
    public async Task IncidentType_OtherNeedsADescription_AndOnlyListedTypesAreAccepted()
    {
        Assert.Equal(["Describe the incident: “Other” needs a description."], await ErrorsAsync(i => { i.IncidentType = IncidentType.Other; i.Description = " "; }));
        Assert.Empty(await ErrorsAsync(i => i.IncidentType = IncidentType.Other));
        Assert.Equal(["Choose an incident type from the list."], await ErrorsAsync(i => i.IncidentType = (IncidentType)99));
        Assert.Equal(["Choose the incident type."], await ErrorsAsync(i => i.IncidentType = null));
        Assert.DoesNotContain(Enum.GetNames<IncidentType>(), name => name.Contains("Protest", StringComparison.OrdinalIgnoreCase) || name.Contains("Demonstration", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(14, true)]
    [InlineData(15, false)]
    public async Task Expiry_From1To14Days(int days, bool allowed) =>
        Assert.Equal(allowed, (await ErrorsAsync(i => i.ExpiresInDays = days)).Count == 0);

    [Fact]
    public async Task RequiredFields_SayWhatIsMissing()
    {
        var errors = await ErrorsAsync(i =>
        {
            i.CaseNumber = "";
            i.OfficerContact = "";
            i.CenterLatitude = null;
            i.CenterLongitude = 181;
            i.RadiusMeters = null;
        });

        Assert.Equal(
            ["Enter the case number.", "Enter how residents can reach the officer in charge.", "Enter the latitude of the centre.",
             "Longitude is between -180 and 180 degrees.", "Enter the radius."],
            errors);
    }
}
