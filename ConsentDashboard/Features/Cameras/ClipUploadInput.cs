using FluentValidation;
using Microsoft.Extensions.Localization;

namespace ConsentDashboard.Features.Cameras;

/// <summary>The facts about an uploaded clip that its bytes do not carry. Times are UTC.</summary>
public sealed class ClipUploadInput
{
    public Guid? CameraId { get; set; }

    public DateTime? RecordedStart { get; set; }

    /// <summary>Needed only when the length cannot be read from the file.</summary>
    public DateTime? RecordedEnd { get; set; }
}

public sealed class ClipUploadInputValidator : AbstractValidator<ClipUploadInput>
{
    public static readonly TimeSpan MaxLength = TimeSpan.FromHours(24);

    public ClipUploadInputValidator(TimeProvider time, IStringLocalizer<AppText> text)
    {
        RuleFor(i => i.CameraId).Cascade(CascadeMode.Stop).NotNull().WithMessage(_ => text["Choose the camera that recorded the clip."])
            .NotEqual(Guid.Empty).WithMessage(_ => text["Choose the camera that recorded the clip."]);
        RuleFor(i => i.RecordedStart).Cascade(CascadeMode.Stop).NotNull().WithMessage(_ => text["Enter when the recording started."])
            .Must(start => start <= time.GetUtcNow().UtcDateTime).WithMessage(_ => text["The recording cannot start in the future."]);
        RuleFor(i => i.RecordedEnd)
            .Must((input, end) => end > input.RecordedStart).WithMessage(_ => text["The end must be after the start."])
            .Must((input, end) => end - input.RecordedStart <= MaxLength).WithMessage(_ => text["A clip can be at most 24 hours long."])
            .When(i => i.RecordedEnd is not null && i.RecordedStart is not null);
    }
}
