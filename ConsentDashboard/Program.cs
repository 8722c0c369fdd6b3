using ConsentDashboard.Components;
using ConsentDashboard.Components.Account;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Admin;
using ConsentDashboard.Features.Clips;
using ConsentDashboard.Features.Audit;
using ConsentDashboard.Features.Disclosures;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;

// Commands that run without starting the web app: an auditor's check of a database copy, an operator's first admin.
switch (args)
{
    case [OfflineVerifier.Command, ..]:
        return await OfflineVerifier.RunAsync(args[1..], Console.Out, Console.Error);
    case [CreateAdminCommand.Command, ..]:
        return await CreateAdminCommand.RunAsync(args[1..], Console.In, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents();

builder.Services.AddCascadingAuthenticationState();
builder.Services.AddScoped<IdentityRedirectManager>();
builder.Services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

builder.Services.AddAuthentication(options =>
    {
        options.DefaultScheme = IdentityConstants.ApplicationScheme;
        options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
    })
    .AddIdentityCookies();
builder.Services.AddAuthorization();

builder.AddConsentDashboard();

var app = builder.Build();
// Checked on the built app, whose settings include everything a host or test supplied.
if (ConsentDashboardSetup.MissingRequiredSetting(app.Configuration, app.Environment) is { } missing)
{
    await Console.Error.WriteLineAsync($"ConsentDashboard cannot start: {missing}");
    return 1;
}

// No stack trace ever reaches a user, in Development too.
app.UseExceptionHandler("/Error", createScopeForErrors: true);
if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
    app.UseHttpsRedirection();
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);

app.UseAntiforgery();

app.MapStaticAssets();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

app.MapAdditionalIdentityEndpoints();
app.MapClipContent();
app.MapConsentReceipts();
app.MapAuditExports();
// The checkpoint key is public by design: anyone may check a checkpoint with it.
app.MapGet("/audit/checkpoint-public-key.pem", (AuditCheckpointSigner signer) =>
    Results.File(System.Text.Encoding.ASCII.GetBytes(signer.PublicKeyPem), "application/x-pem-file", "consentdashboard-checkpoint-key.pem"));

await app.PrepareDatabaseAsync();
app.Run();
return 0;

/// <summary>Entry point, visible to the integration tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
