using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ConsentDashboard.Tests.Browser;

/// <summary>A request as an officer types it into /agency/requests/new.</summary>
public sealed record RequestForm(
    string CaseNumber, string Incident, string Description, double Latitude, double Longitude, int RadiusMeters, DateTime WindowStart, DateTime WindowEnd);

public static class OfficerSteps
{
    /// <summary>
    /// Opens the new-request form from the officer's request list, fills it in, files it, and returns the request's id.
    /// <paramref name="beforeFiling"/> checks the filled-in form (what it shows about the area, say).
    /// </summary>
    public static async Task<Guid> FileRequestAsync(this IPage officer, RequestForm form, Func<IPage, Task>? beforeFiling = null)
    {
        await officer.GetByTestId("new-request").ClickAsync();
        await officer.WaitForURLAsync(new Regex("/agency/requests/new$"));
        await officer.WaitForCircuitAsync();
        string[] fields =
        [
            "input[data-testid=request-case]", "input[data-testid=request-latitude]", "input[data-testid=request-longitude]",
            "input[data-testid=request-radius]", "input[data-testid=request-window-start]", "input[data-testid=request-window-end]",
        ];
        string[] values =
        [
            form.CaseNumber, form.Latitude.ToString("0.000000", CultureInfo.InvariantCulture), form.Longitude.ToString("0.000000", CultureInfo.InvariantCulture),
            form.RadiusMeters.ToString(CultureInfo.InvariantCulture), form.WindowStart.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture),
            form.WindowEnd.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture),
        ];
        await officer.Locator("[data-testid=request-incident]").First.ClickAsync();
        await officer.GetByRole(AriaRole.Option, new() { Name = form.Incident }).ClickAsync();
        await officer.Locator("textarea[data-testid=request-description]").FillAsync(form.Description);
        for (var i = 0; i < fields.Length; i++)
        {
            await officer.Locator(fields[i]).FillAsync(values[i]);
        }

        // Every value is in its field before filing: a value lost under load is named here, not as a navigation that never comes.
        for (var i = 0; i < fields.Length; i++)
        {
            await Assertions.Expect(officer.Locator(fields[i])).ToHaveValueAsync(values[i]);
        }

        if (beforeFiling is not null)
        {
            await beforeFiling(officer);
        }

        await officer.GetByTestId("file-request").ClickAsync();
        await officer.WaitForURLAsync(new Regex("/agency/requests/[0-9a-f-]{36}$"));
        await officer.WaitForCircuitAsync();
        return Guid.Parse(officer.Url[^36..]);
    }
}
