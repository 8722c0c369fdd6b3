using FluentValidation;
using Microsoft.Extensions.Localization;

namespace ConsentDashboard.Features.Cameras;

/// <summary>A camera's name and where it is. Coordinates are decimal degrees (WGS 84), as a phone's map app shows them.</summary>
public sealed class CameraInput
{
    public string Label { get; set; } = "";

    public double? Latitude { get; set; }

    public double? Longitude { get; set; }
}

public sealed class CameraInputValidator : AbstractValidator<CameraInput>
{
    public CameraInputValidator(IStringLocalizer<AppText> text)
    {
        RuleFor(i => i.Label).Cascade(CascadeMode.Stop).Must(l => !string.IsNullOrWhiteSpace(l)).WithMessage(_ => text["Give the camera a name, such as “Front porch”."])
            .MaximumLength(60).WithMessage(_ => text["Keep the name to 60 characters."]);
        RuleFor(i => i.Latitude).Cascade(CascadeMode.Stop).NotNull().WithMessage(_ => text["Enter the latitude."])
            .InclusiveBetween(-90, 90).WithMessage(_ => text["Latitude is between -90 and 90 degrees."]);
        RuleFor(i => i.Longitude).Cascade(CascadeMode.Stop).NotNull().WithMessage(_ => text["Enter the longitude."])
            .InclusiveBetween(-180, 180).WithMessage(_ => text["Longitude is between -180 and 180 degrees."]);
    }
}
