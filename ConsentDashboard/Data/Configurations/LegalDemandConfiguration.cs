using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConsentDashboard.Data.Configurations;

public sealed class LegalDemandConfiguration : IEntityTypeConfiguration<LegalDemand>
{
    public void Configure(EntityTypeBuilder<LegalDemand> builder)
    {
        builder.Property(d => d.Basis).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.Reference).HasMaxLength(100).IsRequired();
        builder.Property(d => d.Description).HasMaxLength(2000);
        builder.Property(d => d.RecordedById).HasMaxLength(450).IsRequired();
        builder.HasOne(d => d.Agency).WithMany().HasForeignKey(d => d.AgencyId).OnDelete(DeleteBehavior.Restrict);
    }
}
