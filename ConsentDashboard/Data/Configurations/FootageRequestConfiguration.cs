using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConsentDashboard.Data.Configurations;

public sealed class FootageRequestConfiguration : IEntityTypeConfiguration<FootageRequest>
{
    public void Configure(EntityTypeBuilder<FootageRequest> builder)
    {
        builder.Property(r => r.CaseNumber).HasMaxLength(50).IsRequired();
        builder.Property(r => r.IncidentType).HasConversion<string>().HasMaxLength(30);
        builder.Property(r => r.Description).HasMaxLength(2000);
        builder.Property(r => r.OfficerContact).HasMaxLength(200).IsRequired();
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.HasOne(r => r.Agency).WithMany().HasForeignKey(r => r.AgencyId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(r => r.RejectionReason).HasMaxLength(1000);
        builder.Property(r => r.ReviewedById).HasMaxLength(450);
        builder.HasOne(r => r.Officer).WithMany().HasForeignKey(r => r.OfficerId).OnDelete(DeleteBehavior.Restrict);
        // "At most 2 requests per case number per agency" and the agency's own list.
        builder.HasIndex(r => new { r.AgencyId, r.CaseNumber });
        // The expiry sweep looks for open requests past their expiry.
        builder.HasIndex(r => new { r.Status, r.ExpiresAt });
        // The public ledger and the reviewers' queue read by when requests were filed.
        builder.HasIndex(r => r.CreatedAt);
    }
}
