using ConsentDashboard.Components;
using ConsentDashboard.Components.Account;
using ConsentDashboard.Data;
using ConsentDashboard.Features.Clips;
using ConsentDashboard.Features.Audit;
using ConsentDashboard.Features.Disclosures;
using ConsentDashboard.Infrastructure;
using ConsentDashboard.Infrastructure.Audit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;

// An auditor's check of a database copy, without starting the web app.
if (args is [OfflineVerifier.Command, ..])
{
    return await OfflineVerifier.RunAsync(args[1..], Console.Out, Console.Error);
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

builder.Services.AddIdentityCore<ApplicationUser>(options =>
    {
        options.SignIn.RequireConfirmedAccount = true;
    })
    .AddRoles<IdentityRole>()
    .AddEntityFrameworkStores<ApplicationDbContext>()
    .AddSignInManager()
    .AddDefaultTokenProviders();

var app = builder.Build();

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
