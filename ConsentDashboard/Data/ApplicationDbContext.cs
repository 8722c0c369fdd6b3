using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ConsentDashboard.Data;

public class ApplicationDbContext(DbContextOptions<ApplicationDbContext> options)
    : IdentityDbContext<ApplicationUser>(options)
{
    public DbSet<Agency> Agencies => Set<Agency>();
    public DbSet<Camera> Cameras => Set<Camera>();
    public DbSet<Clip> Clips => Set<Clip>();
    public DbSet<FootageRequest> FootageRequests => Set<FootageRequest>();
    public DbSet<RequestNotice> RequestNotices => Set<RequestNotice>();
    public DbSet<LegalDemand> LegalDemands => Set<LegalDemand>();
    public DbSet<Disclosure> Disclosures => Set<Disclosure>();
    public DbSet<AgencyBlock> AgencyBlocks => Set<AgencyBlock>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<AuditCheckpoint> AuditCheckpoints => Set<AuditCheckpoint>();
    public DbSet<AuditTreeNode> AuditTreeNodes => Set<AuditTreeNode>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    /// <summary>The accounts holding any of <paramref name="roleNames"/>, each with its role: the one join over Identity's role tables.</summary>
    public IQueryable<RoleMember> MembersOf(IReadOnlyCollection<string> roleNames) =>
        from link in UserRoles
        join role in Roles on link.RoleId equals role.Id
        join account in Users on link.UserId equals account.Id
        where roleNames.Contains(role.Name!)
        select new RoleMember { Account = account, Role = role.Name! };

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(ApplicationDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is stored and read back as UTC, whatever the provider does with DateTime.Kind.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcDateTimeConverter>();
    }

    public sealed class RoleMember
    {
        public required ApplicationUser Account { get; init; }
        public required string Role { get; init; }
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class NullableUtcDateTimeConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v.HasValue ? (v.Value.Kind == DateTimeKind.Utc ? v : v.Value.ToUniversalTime()) : v,
        v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);
}
