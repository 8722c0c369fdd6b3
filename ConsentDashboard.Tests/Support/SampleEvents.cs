using ConsentDashboard.Data;
using ConsentDashboard.Infrastructure.Audit;

namespace ConsentDashboard.Tests.Support;

/// <summary>Typed audit events with the facets a test cares about and plausible values for the rest.</summary>
public static class SampleEvents
{
    private static readonly DateTime At = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly string Sha256 = new('a', 64);

    public static RequestCreated Request(int agencyId, string caseNumber, int notified = 0) =>
        new(agencyId, caseNumber, IncidentType.Burglary, 300, At, At.AddHours(1), At.AddDays(7), notified);

    public static DisclosureCreated Disclosure(int agencyId, string? caseNumber, LegalBasis basis, string residentId = "resident-1") =>
        new(agencyId, Guid.NewGuid(), caseNumber, IncidentType.Burglary, basis, Guid.NewGuid(), Sha256, At, At.AddMinutes(1), ContactFields.None, false,
            At.AddDays(30), residentId);

    public static ClipViewed View(int agencyId, string? caseNumber, LegalBasis basis, string residentId = "resident-1") =>
        new(agencyId, Guid.NewGuid(), caseNumber, basis, Guid.NewGuid(), Sha256, residentId);

    public static DisclosureRevoked Revocation(int agencyId, string? caseNumber, LegalBasis basis, string residentId = "resident-1") =>
        new(agencyId, Guid.NewGuid(), caseNumber, basis, Guid.NewGuid(), Sha256, residentId, At.AddDays(1));
}
