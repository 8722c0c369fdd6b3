using ConsentDashboard.Components.Sketch;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Preferences;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Localization;
using ConsentDashboard.Infrastructure.Validation;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
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
    private ITimer? _undoTimer;
    private Guid? _nextNoticeId;

    private bool CanAnswer => _notice is not null && _notice.IsOpenAt(_now);

    private bool CanUndo => _notice is { Status: NoticeStatus.Declined or NoticeStatus.Ignored, AnsweredAt: { } answeredAt }
        && _now - answeredAt < NoticeService.UndoWindow
        && _notice.Request.IsOpenAt(_now);

    private IReadOnlyList<SketchPoint> SketchPoints =>
        _notice?.Cameras.Select(c => new SketchPoint(c.Label, c.Latitude, c.Longitude, c.InRange)).ToList() ?? [];

    protected override async Task OnParametersSetAsync()
    {
        var user = (await AuthenticationState).User;
        _share = new ShareInput { NoticeId = NoticeId };
        _contact = (await Preferences.GetAsync(user)).Contact;
        await LoadAsync();
        if (RendererInfo.IsInteractive)
        {
            // Moving from one request to the next keeps this page, so the router's focus on navigation finds the old
            // heading (or none while loading): focus the new request's heading once it is there.
            await FocusAsync("h1");
        }

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
        if (_notice is not null && _notice.Status != NoticeStatus.Pending)
        {
            _nextNoticeId = await Notices.NextOpenAsync((await AuthenticationState).User, NoticeId);
        }

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
            .Select(f => (L.Words(f), _contact.ValueOf(f)!))
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
            await FocusAsync("[data-testid=share-button]");
            return;
        }

        await RunAsync(async user =>
        {
            var shared = await Notices.ShareAsync(user, _share);
            _share.ClipIds.Clear();
            Snackbar.Add(shared.Disclosed == 0
                    ? L["Those clips were already shared; nothing new was sent."]
                    : shared.Disclosed == 1
                        ? L["Shared 1 clip with {0} until {1}.", _notice.AgencyName, Clock.Moment(shared.AccessExpiresAt)]
                        : L["Shared {0} clips with {1} until {2}.", shared.Disclosed, _notice.AgencyName, Clock.Moment(shared.AccessExpiresAt)],
                Severity.Success);
        });
        await FocusOutcomeAsync();
    }

    private async Task DeclineAsync(bool blockAgency)
    {
        await RunAsync(user => Notices.DeclineAsync(user, new DeclineInput { NoticeId = NoticeId, BlockAgency = blockAgency }));
        await AfterCloseAsync();
    }

    private async Task IgnoreAsync()
    {
        await RunAsync(user => Notices.IgnoreAsync(user, NoticeId));
        await AfterCloseAsync();
    }

    /// <summary>Shows Undo until its window ends, then hides it without a reload.</summary>
    private async Task AfterCloseAsync()
    {
        _undoTimer?.Dispose();
        if (CanUndo && _notice?.AnsweredAt is { } answeredAt)
        {
            _undoTimer = Time.CreateTimer(_ => InvokeAsync(() =>
            {
                _now = Time.GetUtcNow().UtcDateTime;
                StateHasChanged();
            }), null, answeredAt + NoticeService.UndoWindow - _now, Timeout.InfiniteTimeSpan);
        }

        await FocusOutcomeAsync();
    }

    private async Task UndoAsync()
    {
        _undoTimer?.Dispose();
        await RunAsync(async user =>
        {
            await Notices.UndoAnswerAsync(user, NoticeId);
            Snackbar.Add(L["Undone. The request is waiting for your answer again."], Severity.Info);
        });
        await FocusAsync(_notice?.Status == NoticeStatus.Pending ? "[data-testid=answer-panel] h2" : "[data-testid=answer-outcome-heading]");
    }

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

    /// <summary>After an answer the outcome's heading takes focus, so keyboard and screen-reader users hear what happened.</summary>
    private Task FocusOutcomeAsync() =>
        _notice?.Status is NoticeStatus.Shared or NoticeStatus.Declined or NoticeStatus.Ignored
            ? FocusAsync("[data-testid=answer-outcome-heading]")
            : Task.CompletedTask;

    private async Task FocusAsync(string selector)
    {
        try
        {
            await JS.InvokeVoidAsync("consentDashboardFocus.to", selector);
        }
        catch (JSDisconnectedException)
        {
            // The tab closed; there is nothing to focus.
        }
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _undoTimer?.Dispose();
    }
}
