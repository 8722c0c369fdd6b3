using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConsentDashboard.Data.Configurations;

public sealed class RequestNoticeConfiguration : IEntityTypeConfiguration<RequestNotice>
{
    public void Configure(EntityTypeBuilder<RequestNotice> builder)
    {
        builder.Property(n => n.Status).HasConversion<string>().HasMaxLength(20);
        builder.HasOne(n => n.Request).WithMany().HasForeignKey(n => n.RequestId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(n => n.Resident).WithMany().HasForeignKey(n => n.ResidentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(n => new { n.ResidentId, n.Status });
        // One notice per resident per request; also serves "notices of a request" for expiry and withdrawal.
        builder.HasIndex(n => new { n.RequestId, n.ResidentId }).IsUnique();
    }
}
