using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConsentDashboard.Data.Configurations;

public sealed class ClipConfiguration : IEntityTypeConfiguration<Clip>
{
    public void Configure(EntityTypeBuilder<Clip> builder)
    {
        builder.Property(c => c.ContentType).HasMaxLength(50).IsRequired();
        builder.Property(c => c.Sha256).HasMaxLength(64).IsFixedLength().IsRequired();
        builder.Property(c => c.StorageKey).HasMaxLength(200).IsRequired();
        builder.HasOne(c => c.Camera).WithMany(c => c.Clips).HasForeignKey(c => c.CameraId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.CameraId, c.RecordedStart });
    }
}
