using ConsentDashboard.Components;
using ConsentDashboard.Components.Account;
using ConsentDashboard.Components.Layout;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Admin;
using ConsentDashboard.Features.Clips;
using ConsentDashboard.Features.Audit;
using ConsentDashboard.Features.Disclosures;
using ConsentDashboard.Features.LegalDemands;
using ConsentDashboard.Features.PublicLedger;
using ConsentDashboard.Features.PublicLog;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using ConsentDashboard.Infrastructure.Localization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;

// Commands that run without starting the web app: an auditor's check of a database copy, an operator's first admin.
switch (args)
{
    case [OfflineVerifier.Command, ..]:
        return await OfflineVerifier.RunAsync(args[1..], Console.Out, Console.Error);
    case [VerifyReceiptCommand.Command, ..]:
        return await VerifyReceiptCommand.RunAsync(args[1..], Console.Out, Console.Error);
    case [CreateAdminCommand.Command, ..]:
        return await CreateAdminCommand.RunAsync(args[1..], Console.In, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents()
    // A value pasted past a field's length limit must reach the validator, which says why it is refused; the default
    // 32 KB limit would drop the connection instead and show nothing.
    .AddHubOptions(hub => hub.MaximumReceiveMessageSize = 1024 * 1024);

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
builder.Services.AddHealthEndpoints();

var app = builder.Build();
// Checked on the built app, whose settings include everything a host or test supplied, before anything uses them.
if (app.StartProblem() is { } problem)
{
    await Console.Error.WriteLineAsync($"ConsentDashboard cannot start: {problem}");
    return 1;
}

// Client addresses from X-Forwarded-For only when a known proxy sent them (ConsentDashboard:RateLimits:KnownProxies).
app.UseForwardedHeaders();
// The person's language (cookie, else Accept-Language, else English) for this request and any circuit it starts.
app.UseRequestLocalization();
app.UseSecurityHeaders();
// No stack trace ever reaches a user, in Development too.
app.UseExceptionHandler("/Error", createScopeForErrors: true);
if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
    app.UseHttpsRedirection();
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);

app.UseRateLimiter();
app.UseAntiforgery();

app.MapStaticAssets().CacheVersionedPackageAssets();
app.MapRazorComponents<App>()
    // Our own policy (SecurityHeaders) already says frame-ancestors 'self'.
    .AddInteractiveServerRenderMode(options => options.ContentSecurityFrameAncestorsPolicy = null);

app.MapAdditionalIdentityEndpoints();
app.MapCultureSwitch();
app.MapThemeSwitch();
app.MapHealthEndpoints();
app.MapClipContent();
app.MapConsentReceipts();
app.MapAuditExports();
app.MapPublicLog();
app.MapLegalDocuments();
app.MapPublicLedger();
// The checkpoint key is public by design: anyone may check a checkpoint with it.
app.MapGet("/audit/checkpoint-public-key.pem", (AuditCheckpointSigner signer) =>
    Results.File(System.Text.Encoding.ASCII.GetBytes(signer.PublicKeyPem), "application/x-pem-file", "consentdashboard-checkpoint-key.pem"));

try
{
    await app.PrepareDatabaseAsync();
}
catch (Exception error) when (ConsentDashboardSetup.DatabaseFailure(error) is { } cause)
{
    // One line an operator can act on, not a stack trace.
    await Console.Error.WriteLineAsync($"ConsentDashboard cannot start: {cause.Message}");
    return 1;
}

app.Run();
return 0;

/// <summary>Entry point, visible to the integration tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
