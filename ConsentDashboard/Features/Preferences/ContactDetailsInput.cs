using FluentValidation;
using Microsoft.Extensions.Localization;

namespace ConsentDashboard.Features.Preferences;

/// <summary>The contact details a resident may choose to reveal with a share. None leave unless ticked.</summary>
public sealed class ContactDetailsInput
{
    public string DisplayName { get; set; } = "";

    public string? PhoneNumber { get; set; }

    public string? PostalAddress { get; set; }
}

public sealed class ContactDetailsInputValidator : AbstractValidator<ContactDetailsInput>
{
    public ContactDetailsInputValidator(IStringLocalizer<AppText> text)
    {
        RuleFor(i => i.DisplayName).NotEmpty().WithMessage(_ => text["Enter the name you want shown."])
            .MaximumLength(100).WithMessage(_ => text["Keep the name to 100 characters."]);
        RuleFor(i => i.PhoneNumber)
            .Matches(@"^\+?[0-9 ()\-]{6,24}$").WithMessage(_ => text["Enter a phone number of digits, spaces, brackets or dashes, such as +1 555 0100."])
            .When(i => !string.IsNullOrWhiteSpace(i.PhoneNumber));
        RuleFor(i => i.PostalAddress).MaximumLength(300).WithMessage(_ => text["Keep the address to 300 characters."]);
    }
}
