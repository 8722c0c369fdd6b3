using ConsentDashboard.Components.Sketch;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Preferences;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Validation;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace ConsentDashboard.Features.Inbox;

public sealed partial class NoticePage
{
    [Parameter]
    public Guid NoticeId { get; set; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [CascadingParameter]
    private ViewerClock Clock { get; set; } = ViewerClock.Utc;

    [Inject]
    private NoticeService Notices { get; set; } = default!;

    [Inject]
    private PreferencesService Preferences { get; set; } = default!;

    [Inject]
    private InboxNotifier Notifier { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    private FluentValidation.IValidator<ShareInput> ShareValidator { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    private NoticeDetail? _notice;
    private ResidentContact _contact = new("", null, null, null);
    private ShareInput _share = new();
    private bool _loaded;
    private readonly RefusableAction _answer = new();
    private DateTime _now;
    private IDisposable? _subscription;

    private bool CanAnswer => _notice is not null && _notice.IsOpenAt(_now);

    private IReadOnlyList<SketchPoint> SketchPoints =>
        _notice?.Cameras.Select(c => new SketchPoint(c.Label, c.Latitude, c.Longitude, c.InRange)).ToList() ?? [];

    protected override async Task OnParametersSetAsync()
    {
        var user = (await AuthenticationState).User;
        _share = new ShareInput { NoticeId = NoticeId };
        _contact = (await Preferences.GetAsync(user)).Contact;
        await LoadAsync();
        _subscription?.Dispose();
        // An expiry or a withdrawal while the page is open shows without a reload.
        _subscription = Notifier.Subscribe(user.RequireRole(Roles.Resident), () => InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        }));
    }

    private async Task LoadAsync()
    {
        _now = Time.GetUtcNow().UtcDateTime;
        _notice = await Notices.GetAsync((await AuthenticationState).User, NoticeId);
        _loaded = true;
        if (_notice is not null)
        {
            // A clip shared in another tab cannot be chosen again.
            _share.ClipIds.RemoveWhere(id => _notice.Clips.Any(c => c.Id == id && c.AlreadyShared));
        }
    }

    private void ToggleClip(Guid clipId, bool selected)
    {
        if (selected)
        {
            _share.ClipIds.Add(clipId);
        }
        else
        {
            _share.ClipIds.Remove(clipId);
        }
    }

    private async Task ShareAsync()
    {
        if (_notice is null)
        {
            return;
        }

        // The same rules the service applies again when the share is confirmed.
        var check = await ShareValidator.ValidateAsync(_share);
        if (!check.IsValid)
        {
            _answer.Message = string.Join(" ", check.Errors.Select(e => e.ErrorMessage).Distinct());
            return;
        }

        var chosen = _notice.Clips.Where(c => _share.ClipIds.Contains(c.Id)).ToList();
        var revealed = Enum.GetValues<ContactFields>()
            .Where(f => f != ContactFields.None && _share.RevealedContactFields.HasFlag(f) && _contact.ValueOf(f) is not null)
            .Select(f => (f.ToString(), _contact.ValueOf(f)!))
            .ToList();
        var parameters = new DialogParameters<ShareConfirmDialog>
        {
            { d => d.AgencyName, _notice.AgencyName },
            { d => d.CaseNumber, _notice.Request.CaseNumber },
            { d => d.Clips, chosen },
            { d => d.RevealedContact, revealed },
            { d => d.AllowDownload, _share.AllowDownload },
            { d => d.AccessExpiresAt, Time.GetUtcNow().UtcDateTime.AddDays(_share.AccessDays) },
        };
        var dialog = await Dialogs.ShowAsync<ShareConfirmDialog>(null, parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        var result = await dialog.Result;
        if (result is null || result.Canceled)
        {
            return;
        }

        await RunAsync(async user =>
        {
            var shared = await Notices.ShareAsync(user, _share);
            _share.ClipIds.Clear();
            Snackbar.Add(shared.Disclosed == 0
                    ? "Those clips were already shared; nothing new was sent."
                    : $"Shared {(shared.Disclosed == 1 ? "1 clip" : $"{shared.Disclosed} clips")} with {_notice.AgencyName} until {Clock.Moment(shared.AccessExpiresAt)}.",
                Severity.Success);
        });
    }

    private Task DeclineAsync(bool blockAgency) => RunAsync(async user =>
    {
        await Notices.DeclineAsync(user, new DeclineInput { NoticeId = NoticeId, BlockAgency = blockAgency });
        Snackbar.Add(blockAgency
                ? $"Declined. You will get no more requests from {_notice!.AgencyName}."
                : "Declined. The agency is not told.",
            Severity.Info);
    });

    private Task IgnoreAsync() => RunAsync(async user =>
    {
        await Notices.IgnoreAsync(user, NoticeId);
        Snackbar.Add("Dismissed. The agency is not told.", Severity.Info);
    });

    /// <summary>Runs one answer; a refusal shows its message and the page reloads to what is really stored.</summary>
    private async Task RunAsync(Func<System.Security.Claims.ClaimsPrincipal, Task> action)
    {
        if (_answer.Running)
        {
            return;
        }

        await _answer.RunAsync(async () => await action((await AuthenticationState).User));
        await LoadAsync();
    }

    public void Dispose() => _subscription?.Dispose();
}
