using ConsentDashboard.Features.Disclosures;
using ConsentDashboard.Features.Requests;

namespace ConsentDashboard.Infrastructure;

/// <summary>Closes expired requests and logs ended disclosures at start and then every minute of <see cref="TimeProvider"/> time.</summary>
public sealed class ExpirySweeper(IServiceScopeFactory scopes, TimeProvider time, ILogger<ExpirySweeper> logger)
    : PeriodicBackgroundWork(scopes, time, logger, Interval)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override string What => "The expiry sweep";

    protected override async Task RunOnceAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var closed = await services.GetRequiredService<RequestExpiry>().SweepAsync(cancellationToken);
        var ended = await services.GetRequiredService<DisclosureExpiry>().SweepAsync(cancellationToken);
        var told = await services.GetRequiredService<Features.LegalDemands.LegalDemandNotices>().SweepAsync(cancellationToken);
        if (told > 0)
        {
            logger.LogInformation("Delivered {Notices} legal-demand notices.", told);
        }

        if (closed > 0 || ended > 0)
        {
            logger.LogInformation("Closed {Requests} expired footage requests; logged the end of {Disclosures} disclosures' access.", closed, ended);
        }
    }
}
