using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConsentDashboard.Data.Configurations;

public sealed class AgencyBlockConfiguration : IEntityTypeConfiguration<AgencyBlock>
{
    public void Configure(EntityTypeBuilder<AgencyBlock> builder)
    {
        builder.HasKey(b => new { b.ResidentId, b.AgencyId });
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(b => b.ResidentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(b => b.Agency).WithMany().HasForeignKey(b => b.AgencyId).OnDelete(DeleteBehavior.Cascade);
    }
}
