using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConsentDashboard.Data.Configurations;

public sealed class AuditTreeNodeConfiguration : IEntityTypeConfiguration<AuditTreeNode>
{
    public void Configure(EntityTypeBuilder<AuditTreeNode> builder)
    {
        // Like the log itself: the update/delete triggers do not mix with RETURNING on SQLite.
        builder.ToTable(t => t.UseSqlReturningClause(false));
        builder.HasKey(n => new { n.Level, n.Index });
        builder.Property(n => n.Index).ValueGeneratedNever();
        builder.Property(n => n.Hash).HasMaxLength(32).IsFixedLength().IsRequired();
    }
}
