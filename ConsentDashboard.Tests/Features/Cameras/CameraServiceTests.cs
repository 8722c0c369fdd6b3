using ConsentDashboard.Features.Cameras;
using ConsentDashboard.Features.Requests;
using ConsentDashboard.Infrastructure.Validation;
using ConsentDashboard.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Tests.Features.Cameras;

public sealed class CameraServiceTests : IAsyncLifetime
{
    private ResidentScenario _scenario = null!;
    private CameraService _cameras = null!;

    public async ValueTask InitializeAsync()
    {
        _scenario = await ResidentScenario.CreateAsync();
        _cameras = _scenario.Database.Get<CameraService>();
    }

    public ValueTask DisposeAsync()
    {
        _scenario.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task AddRenameMoveAndDeactivate_ChangeWhoANewRequestReaches()
    {
        var far = ResidentScenario.Latitude + 1;
        var id = await _cameras.AddAsync(_scenario.UserB, new CameraInput { Label = " Shed ", Latitude = far, Longitude = ResidentScenario.Longitude });
        await _cameras.SetActiveAsync(_scenario.UserB, (await _cameras.ListCamerasAsync(_scenario.UserB)).Single(c => c.Label == "Gate").Id, false);
        await using var db = _scenario.Database.CreateDbContext();
        Assert.DoesNotContain(_scenario.ResidentB.Id, await NoticeFanOut.FindResidentsAsync(db, _scenario.Agency.Id, far - 1, ResidentScenario.Longitude, 300));

        await _cameras.UpdateAsync(_scenario.UserB, id, new CameraInput { Label = "Garden shed", Latitude = ResidentScenario.Latitude, Longitude = ResidentScenario.Longitude });

        var camera = (await _cameras.ListCamerasAsync(_scenario.UserB)).Single(c => c.Id == id);
        Assert.Equal(("Garden shed", ResidentScenario.Latitude, true), (camera.Label, camera.Latitude, camera.IsActive));
        Assert.Contains(_scenario.ResidentB.Id, await NoticeFanOut.FindResidentsAsync(db, _scenario.Agency.Id, ResidentScenario.Latitude, ResidentScenario.Longitude, 300));
    }

    [Theory]
    [InlineData("", 46.0, -84.0, "Give the camera a name, such as “Front porch”.")]
    [InlineData("Porch", 90.5, -84.0, "Latitude is between -90 and 90 degrees.")]
    [InlineData("Porch", 46.0, -180.01, "Longitude is between -180 and 180 degrees.")]
    [InlineData("Porch", null, -84.0, "Enter the latitude.")]
    public async Task Add_WithBadInput_IsRefusedWithTheRuleAndSavesNothing(string label, double? latitude, double? longitude, string message)
    {
        var refused = await Assert.ThrowsAsync<ActionRefusedException>(() =>
            _cameras.AddAsync(_scenario.UserB, new CameraInput { Label = label, Latitude = latitude, Longitude = longitude }));

        Assert.Equal(message, refused.Message);
        Assert.Single(await _cameras.ListCamerasAsync(_scenario.UserB));
    }

    [Fact]
    public async Task AnotherResidentsCamera_CannotBeRenamedMovedOrSwitchedOff()
    {
        var camera = (await _cameras.ListCamerasAsync(_scenario.UserA)).First();

        await Assert.ThrowsAsync<ActionRefusedException>(() =>
            _cameras.UpdateAsync(_scenario.UserB, camera.Id, new CameraInput { Label = "Mine now", Latitude = 0, Longitude = 0 }));
        await Assert.ThrowsAsync<ActionRefusedException>(() => _cameras.SetActiveAsync(_scenario.UserB, camera.Id, false));

        Assert.Equal(camera, (await _cameras.ListCamerasAsync(_scenario.UserA)).First());
    }
}
