using System.Globalization;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Validation;
using FluentValidation;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace ConsentDashboard.Features.Requests;

public sealed partial class NewRequestPage
{
    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [CascadingParameter]
    private ViewerClock Clock { get; set; } = ViewerClock.Utc;

    [Inject]
    private AgencyRequestService Requests { get; set; } = default!;

    [Inject]
    private IValidator<FootageRequestInput> Validator { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    private readonly FootageRequestInput _input = new();
    private MudForm? _form;
    private string? _windowStart;
    private string? _windowEnd;
    private string? _windowStartError;
    private string? _windowEndError;
    private readonly RefusableAction _file = new();

    private string RadiusHint =>
        L["{0}–{1} m", Math.Ceiling(Requests.Limits.MinRadiusMeters).ToString("0"), Math.Floor(Requests.Limits.MaxRadiusMeters).ToString("0")];

    private string AreaText => _input.RadiusMeters is > 0 and var radius
        ? L["{0} sq mi ({1} km²); allowed {2}–{3} sq mi.", GeoArea.SquareMiles(radius).ToString("0.000"), GeoArea.SquareKilometers(radius).ToString("0.000"),
            Requests.Limits.MinAreaSquareMiles.ToString("0.###"), Requests.Limits.MaxAreaSquareMiles.ToString("0.###")]
        : L["Enter a centre and a radius to see the area."];

    protected override async Task OnInitializedAsync()
    {
        _input.ExpiresInDays = Requests.Limits.DefaultExpiryDays;
        _input.OfficerContact = await Requests.SuggestedContactAsync((await AuthenticationState).User);
    }

    private Task SetWindowStartAsync(string? value)
    {
        _windowStart = value;
        return CheckWindowAsync();
    }

    private Task SetWindowEndAsync(string? value)
    {
        _windowEnd = value;
        return CheckWindowAsync();
    }

    /// <summary>Reads both times in the officer's zone and shows the validator's window rules at the fields.</summary>
    private async Task CheckWindowAsync()
    {
        _windowStartError = null;
        _windowEndError = null;
        _input.WindowStart = Parse(_windowStart, ref _windowStartError);
        _input.WindowEnd = Parse(_windowEnd, ref _windowEndError);
        if (_windowStartError is not null || _windowEndError is not null)
        {
            return;
        }

        var result = await Validator.ValidateAsync(_input, options => options.IncludeProperties(nameof(FootageRequestInput.WindowStart), nameof(FootageRequestInput.WindowEnd)));
        _windowStartError = result.Errors.FirstOrDefault(e => e.PropertyName == nameof(FootageRequestInput.WindowStart))?.ErrorMessage;
        _windowEndError = result.Errors.FirstOrDefault(e => e.PropertyName == nameof(FootageRequestInput.WindowEnd))?.ErrorMessage;
    }

    private DateTime? Parse(string? text, ref string? error)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!DateTime.TryParseExact(text, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            error = L["Enter a date and time."];
            return null;
        }

        var utc = Clock.ToUtc(local);
        if (utc is null)
        {
            error = L["That time does not exist on this day (the clocks changed)."];
        }

        return utc;
    }

    private async Task FileAsync()
    {
        _file.Message = null;
        await _form!.ValidateAsync();
        await CheckWindowAsync();
        _windowStartError ??= _input.WindowStart is null ? L["Enter when the window starts."].Value : null;
        _windowEndError ??= _input.WindowEnd is null ? L["Enter when the window ends."].Value : null;
        if (!_form.IsValid || _windowStartError is not null || _windowEndError is not null)
        {
            return;
        }

        await _file.RunAsync(async () =>
        {
            var id = await Requests.FileAsync((await AuthenticationState).User, _input);
            Snackbar.Add(L["Filed the request for case {0}.", _input.CaseNumber.Trim()], MudBlazor.Severity.Success);
            Navigation.NavigateTo($"/agency/requests/{id}");
        });
    }
}
