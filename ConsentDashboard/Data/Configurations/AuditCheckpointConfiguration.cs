using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConsentDashboard.Data.Configurations;

public sealed class AuditCheckpointConfiguration : IEntityTypeConfiguration<AuditCheckpoint>
{
    public void Configure(EntityTypeBuilder<AuditCheckpoint> builder)
    {
        builder.Property(c => c.Hash).HasMaxLength(64).IsFixedLength().IsRequired();
        builder.Property(c => c.RootHash).HasMaxLength(64).IsFixedLength();
        builder.Property(c => c.Signature).HasMaxLength(200).IsRequired();
        builder.Property(c => c.KeyId).HasMaxLength(64).IsRequired();
        builder.HasIndex(c => c.Sequence);
    }
}
