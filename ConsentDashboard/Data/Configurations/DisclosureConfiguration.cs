using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConsentDashboard.Data.Configurations;

public sealed class DisclosureConfiguration : IEntityTypeConfiguration<Disclosure>
{
    public void Configure(EntityTypeBuilder<Disclosure> builder)
    {
        builder.Property(d => d.ClipSha256).HasMaxLength(64).IsFixedLength().IsRequired();
        builder.Property(d => d.LegalBasis).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.RevealedContactFields).HasConversion<string>().HasMaxLength(100);
        builder.HasOne(d => d.Resident).WithMany().HasForeignKey(d => d.ResidentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(d => d.Clip).WithMany().HasForeignKey(d => d.ClipId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(d => d.Agency).WithMany().HasForeignKey(d => d.AgencyId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(d => d.Request).WithMany().HasForeignKey(d => d.RequestId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(d => d.LegalDemand).WithMany().HasForeignKey(d => d.LegalDemandId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(d => new { d.AgencyId, d.ClipId });
        builder.HasIndex(d => new { d.ResidentId, d.DisclosedAt });
        // The expiry sweep reads only disclosures whose end of access is not logged yet.
        builder.HasIndex(d => d.AccessExpiresAt).HasFilter("\"ExpiryLoggedAt\" IS NULL AND \"RevokedAt\" IS NULL");
        // A retried or doubled share never discloses the same clip twice for the same request.
        builder.HasIndex(d => new { d.RequestId, d.ClipId }).IsUnique().HasFilter("\"RequestId\" IS NOT NULL");
    }
}
