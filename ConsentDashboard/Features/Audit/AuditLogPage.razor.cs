using Microsoft.JSInterop;
using System.Globalization;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Validation;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace ConsentDashboard.Features.Audit;

public sealed partial class AuditLogPage
{
    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [CascadingParameter]
    private ViewerClock Clock { get; set; } = ViewerClock.Utc;

    private MudDataGrid<AuditRow>? _grid;
    private IReadOnlyList<Agency> _agencies = [];
    private AuditFilter _filter = AuditFilter.None;
    private string? _from;
    private string? _to;
    private string? _action;
    private int? _agencyId;
    private string? _basis;
    private string? _case;
    private string? _resident;
    private string? _filterError;
    private AuditRowPage? _page;
    private readonly RefusableAction _query = new();
    private AuditSort _sort = new();

    private string CountText => _page is null ? "" : _page.TotalIsCapped
        ? L["More than {0} entries", AuditLogService.CountCap.ToString("N0")]
        : _page.TotalCount == 1 ? L["1 entry"] : L["{0} entries", _page.TotalCount.ToString("N0")];

    protected override async Task OnInitializedAsync() => _agencies = await Log.AgenciesAsync((await AuthenticationState).User);

    private async Task<GridData<AuditRow>> LoadAsync(GridState<AuditRow> state, CancellationToken cancellationToken)
    {
        var sortDefinition = state.SortDefinitions.FirstOrDefault();
        var sort = sortDefinition is null
            ? new AuditSort()
            : new AuditSort(sortDefinition.SortBy switch
            {
                nameof(AuditRow.Action) => AuditSortColumn.Action,
                nameof(AuditRow.AgencyId) => AuditSortColumn.Agency,
                nameof(AuditRow.LegalBasis) => AuditSortColumn.LegalBasis,
                nameof(AuditRow.CaseNumber) => AuditSortColumn.CaseNumber,
                _ => AuditSortColumn.Sequence,
            }, sortDefinition.Descending);
        // Later pages of the same query read the log as it stood for the first, so new entries never shift them.
        var asOf = state.Page == 0 || sort != _sort ? null : _page?.AsOfSequence;
        _sort = sort;
        var user = (await AuthenticationState).User;
        if (!await _query.RunAsync(async () => _page = await Log.PageAsync(user, _filter, sort, state.Page, state.PageSize, asOf, cancellationToken)))
        {
            return new GridData<AuditRow> { Items = [], TotalItems = 0 };
        }

        return new GridData<AuditRow> { Items = _page!.Rows, TotalItems = _page.TotalCount };
    }

    private async Task ApplyAsync()
    {
        _filterError = null;
        var from = ParseLocal(_from, L["From"]);
        var to = ParseLocal(_to, L["Until"]);
        if (_filterError is not null)
        {
            return;
        }

        if (!string.IsNullOrWhiteSpace(_resident) && !ConsentDashboard.Infrastructure.Audit.ResidentPseudonyms.LooksLikePseudonym(_resident.Trim()))
        {
            _filterError = L["A resident pseudonym looks like R- followed by ten letters and digits, as shown in the Resident column."];
            return;
        }

        _filter = new AuditFilter(from, to, _action, _agencyId, _basis, Trimmed(_case), Trimmed(_resident));
        await _grid!.ReloadServerData();
    }

    private async Task ClearAsync()
    {
        (_from, _to, _action, _agencyId, _basis, _case, _resident, _filterError) = (null, null, null, null, null, null, null, null);
        _filter = AuditFilter.None;
        await _grid!.ReloadServerData();
    }

    private DateTime? ParseLocal(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateTime.TryParseExact(text, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            && Clock.ToUtc(local) is { } utc)
        {
            return utc;
        }

        _filterError = L["{0} must be a date and time.", field];
        return null;
    }

    private async Task OpenAsync(DataGridRowClickEventArgs<AuditRow> click)
    {
        var dialog = await Dialogs.ShowAsync<AuditEntryDialog>(L["Entry {0}", click.Item.Sequence],
            new DialogParameters<AuditEntryDialog> { { d => d.Row, click.Item }, { d => d.AgencyName, click.Item.AgencyId is { } id ? AgencyName(id) : null } },
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseButton = true, CloseOnEscapeKey = true, DefaultFocus = DefaultFocus.FirstChild });
        await dialog.Result;
        // Back to the row's control, so a keyboard user continues where they were.
        await JS.InvokeVoidAsync("consentDashboardFocus.to", $"[data-testid=open-entry-{click.Item.Sequence}]");
    }

    private string AgencyName(int id) => _agencies.FirstOrDefault(a => a.Id == id)?.Name ?? L["Agency {0}", id];

    private static string ShortSubject(string subject) => subject.Length > 18 ? subject[..17] + "…" : subject;

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
