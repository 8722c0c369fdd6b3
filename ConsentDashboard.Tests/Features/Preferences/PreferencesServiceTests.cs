using ConsentDashboard.Data;
using ConsentDashboard.Features.Preferences;
using ConsentDashboard.Features.Requests;
using ConsentDashboard.Infrastructure.Validation;
using ConsentDashboard.Tests.Support;

namespace ConsentDashboard.Tests.Features.Preferences;

public sealed class PreferencesServiceTests : IAsyncLifetime
{
    private ResidentScenario _scenario = null!;
    private PreferencesService _preferences = null!;

    public async ValueTask InitializeAsync()
    {
        _scenario = await ResidentScenario.CreateAsync();
        _preferences = _scenario.Database.Get<PreferencesService>();
    }

    public ValueTask DisposeAsync()
    {
        _scenario.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<List<string>> ReachedAsync()
    {
        await using var db = _scenario.Database.CreateDbContext();
        return (await NoticeFanOut.FindResidentsAsync(db, _scenario.Agency.Id, ResidentScenario.Latitude, ResidentScenario.Longitude, 300)).Order().ToList();
    }

    [Fact]
    public async Task OptingOut_StopsNewRequests_AndOptingBackInRestoresThem()
    {
        await _preferences.SetOptOutAsync(_scenario.UserA, true);

        Assert.True((await _preferences.GetAsync(_scenario.UserA)).OptedOutOfAllRequests);
        Assert.Equal([_scenario.ResidentB.Id], await ReachedAsync());

        await _preferences.SetOptOutAsync(_scenario.UserA, false);
        Assert.Equal(new[] { _scenario.ResidentA.Id, _scenario.ResidentB.Id }.Order(), await ReachedAsync());
    }

    [Fact]
    public async Task UnblockingAnAgency_RemovesItFromTheListAndRestoresItsRequests()
    {
        await _scenario.NoticeService().DeclineAsync(_scenario.UserA, new ConsentDashboard.Features.Inbox.DeclineInput { NoticeId = _scenario.NoticeA.Id, BlockAgency = true });
        Assert.Equal(["Harbour City Police"], (await _preferences.GetAsync(_scenario.UserA)).BlockedAgencies.Select(b => b.Name));

        await _preferences.UnblockAsync(_scenario.UserA, _scenario.Agency.Id);

        Assert.Empty((await _preferences.GetAsync(_scenario.UserA)).BlockedAgencies);
        Assert.Contains(_scenario.ResidentA.Id, await ReachedAsync());
        var again = await Assert.ThrowsAsync<ActionRefusedException>(() => _preferences.UnblockAsync(_scenario.UserA, _scenario.Agency.Id));
        Assert.Equal("That agency is not on your blocked list.", again.Message);
    }

    [Fact]
    public async Task ContactDetails_AreValidated_AndOnlyTheResidentsOwnChange()
    {
        var refused = await Assert.ThrowsAsync<ActionRefusedException>(() =>
            _preferences.UpdateContactAsync(_scenario.UserA, new ContactDetailsInput { DisplayName = "A", PhoneNumber = "call me maybe" }));
        Assert.StartsWith("Enter a phone number", refused.Message);

        await _preferences.UpdateContactAsync(_scenario.UserA, new ContactDetailsInput { DisplayName = "Ada", PhoneNumber = "+1 (906) 555-0142", PostalAddress = "4 Quay Street" });

        var contact = (await _preferences.GetAsync(_scenario.UserA)).Contact;
        Assert.Equal(("Ada", "+1 (906) 555-0142", "4 Quay Street"), (contact.DisplayName, contact.ValueOf(ContactFields.Phone), contact.ValueOf(ContactFields.Address)));
        Assert.Equal("Resident B", (await _preferences.GetAsync(_scenario.UserB)).Contact.DisplayName);
    }
}
