using System.Security.Claims;
using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Features.Admin;

public sealed record AgencyRow(int Id, string Name, string Jurisdiction, int Officers);

public sealed record StaffRow(string Email, string DisplayName, string Role, string? Agency, bool LockedOut);

public sealed class AdminDirectoryService(IDbContextFactory<ApplicationDbContext> dbFactory, TimeProvider time)
{
    public async Task<IReadOnlyList<AgencyRow>> ListAgenciesAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        user.RequireRole(Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Agencies.AsNoTracking()
            .OrderBy(a => a.Name)
            .Select(a => new AgencyRow(a.Id, a.Name, a.Jurisdiction, db.Users.Count(u => u.AgencyId == a.Id)))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Officers, auditors and admins. Residents are not staff and are not listed.</summary>
    public async Task<IReadOnlyList<StaffRow>> ListStaffAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        user.RequireRole(Roles.Admin);
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.MembersOf(Roles.Staff)
            .Select(m => new { m.Account.Email, m.Account.DisplayName, m.Role, Agency = m.Account.Agency!.Name, m.Account.LockoutEnd })
            .ToListAsync(cancellationToken);
        return rows
            .OrderBy(r => r.Role).ThenBy(r => r.DisplayName)
            .Select(r => new StaffRow(r.Email ?? "", r.DisplayName, r.Role, r.Agency, r.LockoutEnd > now))
            .ToList();
    }
}
