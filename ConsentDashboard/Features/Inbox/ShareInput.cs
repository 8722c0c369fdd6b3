using ConsentDashboard.Data;
using FluentValidation;
using Microsoft.Extensions.Localization;

namespace ConsentDashboard.Features.Inbox;

/// <summary>What a resident chose to give for one notice. Nothing is chosen until they choose it.</summary>
public sealed class ShareInput
{
    public static readonly int[] AccessDayChoices = [7, 30, 90];

    public Guid NoticeId { get; set; }

    public HashSet<Guid> ClipIds { get; set; } = [];

    public ContactFields RevealedContactFields { get; set; } = ContactFields.None;

    public bool AllowDownload { get; set; }

    public int AccessDays { get; set; } = 30;
}

public sealed class ShareInputValidator : AbstractValidator<ShareInput>
{
    private const ContactFields AllContactFields = ContactFields.Name | ContactFields.Email | ContactFields.Phone | ContactFields.Address;

    public ShareInputValidator(IStringLocalizer<AppText> text)
    {
        RuleFor(i => i.NoticeId).NotEmpty().WithMessage(_ => text["This request is not in your inbox."]);
        RuleFor(i => i.ClipIds).NotEmpty().WithMessage(_ => text["Choose at least one clip to share."]);
        RuleFor(i => i.ClipIds.Count).LessThanOrEqualTo(100).WithMessage(_ => text["Share at most 100 clips at once."]);
        RuleFor(i => i.AccessDays).Must(days => ShareInput.AccessDayChoices.Contains(days))
            .WithMessage(_ => text["Access lasts 7, 30 or 90 days."]);
        RuleFor(i => i.RevealedContactFields).Must(fields => (fields & ~AllContactFields) == 0)
            .WithMessage(_ => text["Choose contact fields from the list."]);
    }
}

/// <summary>A decline, optionally with "no more requests from this agency".</summary>
public sealed class DeclineInput
{
    public Guid NoticeId { get; set; }

    public bool BlockAgency { get; set; }
}

public sealed class DeclineInputValidator : AbstractValidator<DeclineInput>
{
    public DeclineInputValidator(IStringLocalizer<AppText> text) =>
        RuleFor(i => i.NoticeId).NotEmpty().WithMessage(_ => text["This request is not in your inbox."]);
}
