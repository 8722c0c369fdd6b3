using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConsentDashboard.Data.Configurations;

public sealed class LegalDemandConfiguration : IEntityTypeConfiguration<LegalDemand>
{
    public void Configure(EntityTypeBuilder<LegalDemand> builder)
    {
        builder.Property(d => d.Basis).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.Reference).HasMaxLength(100).IsRequired();
        builder.Property(d => d.Court).HasMaxLength(200).IsRequired();
        builder.Property(d => d.Description).HasMaxLength(2000);
        builder.Property(d => d.DocumentSha256).HasMaxLength(64).IsFixedLength().IsRequired();
        builder.Property(d => d.DocumentStorageKey).HasMaxLength(200).IsRequired();
        builder.Property(d => d.ResidentId).HasMaxLength(450).IsRequired();
        builder.Property(d => d.RecordedById).HasMaxLength(450).IsRequired();
        builder.Property(d => d.NoticeDelayReason).HasMaxLength(1000);
        builder.Property(d => d.FollowUpReference).HasMaxLength(200);
        builder.HasOne(d => d.Agency).WithMany().HasForeignKey(d => d.AgencyId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(d => d.Resident).WithMany().HasForeignKey(d => d.ResidentId).OnDelete(DeleteBehavior.Restrict);
        // The notice sweep reads only demands whose notice is not delivered yet.
        builder.HasIndex(d => d.NoticeAt).HasFilter("\"NoticeDeliveredAt\" IS NULL");
        builder.HasIndex(d => new { d.ResidentId, d.NoticeDeliveredAt });
        builder.HasIndex(d => new { d.AgencyId, d.RecordedAt });
    }
}
