using Microsoft.AspNetCore.Identity;

namespace ConsentDashboard.Data;

public class ApplicationUser : IdentityUser
{
    /// <summary>Name shown inside the app; agencies never see it unless the resident reveals it.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>The agency an officer belongs to; null for every other role.</summary>
    public int? AgencyId { get; set; }

    public Agency? Agency { get; set; }

    /// <summary>A resident who opted out receives no footage requests at all.</summary>
    public bool OptedOutOfAllRequests { get; set; }

    /// <summary>A resident's postal address, revealed to an agency only when they tick it for a share.</summary>
    public string? PostalAddress { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>A resident hears about each new request by e-mail unless they turn it off.</summary>
    public bool EmailAboutRequests { get; set; } = true;

    /// <summary>The IANA zone e-mails give times in: the browser's at registration, changeable in preferences.</summary>
    public string? TimeZone { get; set; }

    /// <summary>
    /// The language e-mails are written in ("en", "es"): the one the person registered in, then whichever they last chose
    /// in the app bar. Null: the language of the page that caused the message, else English.
    /// </summary>
    [System.ComponentModel.DataAnnotations.MaxLength(16)]
    public string? Language { get; set; }

    /// <summary>When an admin disabled this staff account; a disabled account cannot sign in.</summary>
    public DateTime? DisabledAt { get; set; }
}
