using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConsentDashboard.Data.Configurations;

public sealed class CameraConfiguration : IEntityTypeConfiguration<Camera>
{
    public void Configure(EntityTypeBuilder<Camera> builder)
    {
        builder.Property(c => c.Label).HasMaxLength(100).IsRequired();
        builder.HasOne(c => c.Owner).WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.Cascade);
        // Fan-out asks for cameras inside a bounding box.
        builder.HasIndex(c => new { c.Latitude, c.Longitude });
        builder.HasIndex(c => c.OwnerId);
    }
}
