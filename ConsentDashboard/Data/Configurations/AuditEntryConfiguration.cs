using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConsentDashboard.Data.Configurations;

public sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        // The update/delete triggers added in the migration do not mix with RETURNING on SQLite.
        builder.ToTable(t => t.UseSqlReturningClause(false));
        builder.HasKey(e => e.Sequence);
        // The log assigns sequence numbers itself, under its append lock.
        builder.Property(e => e.Sequence).ValueGeneratedNever();
        builder.Property(e => e.Actor).HasMaxLength(200).IsRequired();
        builder.Property(e => e.Action).HasMaxLength(50).IsRequired();
        builder.Property(e => e.Subject).HasMaxLength(200).IsRequired();
        builder.Property(e => e.Details).IsRequired();
        builder.Property(e => e.PreviousHash).HasMaxLength(64).IsFixedLength().IsRequired();
        builder.Property(e => e.Hash).HasMaxLength(64).IsFixedLength().IsRequired();
        builder.HasIndex(e => e.Timestamp);
        // A resident's disclosure page reads every view and download of one disclosure by its subject.
        builder.HasIndex(e => e.Subject);
        builder.Property(e => e.CaseNumber).HasMaxLength(40);
        builder.Property(e => e.LegalBasis).HasMaxLength(20);
        builder.Property(e => e.ResidentId).HasMaxLength(450);
        // The auditor's grid: each filter is served by an index that also yields entries in sequence order.
        builder.HasIndex(e => new { e.Action, e.Sequence });
        builder.HasIndex(e => new { e.AgencyId, e.Sequence });
        builder.HasIndex(e => new { e.LegalBasis, e.Sequence });
        builder.HasIndex(e => new { e.CaseNumber, e.Sequence });
        builder.HasIndex(e => new { e.ResidentId, e.Sequence });
        builder.HasIndex(e => e.Hash).IsUnique();
    }
}
