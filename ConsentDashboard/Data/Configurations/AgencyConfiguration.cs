using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConsentDashboard.Data.Configurations;

public sealed class AgencyConfiguration : IEntityTypeConfiguration<Agency>
{
    public void Configure(EntityTypeBuilder<Agency> builder)
    {
        builder.Property(a => a.Name).HasMaxLength(200).IsRequired();
        builder.Property(a => a.Jurisdiction).HasMaxLength(200).IsRequired();
        builder.Property(a => a.ContactEmail).HasMaxLength(256);
        builder.Property(a => a.IsActive).HasDefaultValue(true);
        builder.HasIndex(a => a.Name).IsUnique();
    }
}
