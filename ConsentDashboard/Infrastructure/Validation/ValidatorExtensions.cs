using FluentValidation;

namespace ConsentDashboard.Infrastructure.Validation;

public static class ValidatorExtensions
{
    /// <summary>Runs the same rules the form ran, again in the service; throws with every message when any fails.</summary>
    public static async Task EnsureValidAsync<T>(this IValidator<T> validator, T input, CancellationToken cancellationToken = default)
    {
        var result = await validator.ValidateAsync(input, cancellationToken);
        if (!result.IsValid)
        {
            throw new ActionRefusedException(string.Join(" ", result.Errors.Select(e => e.ErrorMessage).Distinct()));
        }
    }

    /// <summary>
    /// Adapts a validator to <c>MudForm.Validation</c>: each field is checked against its own rules as the user types.
    /// </summary>
    public static Func<object, string, Task<IEnumerable<string>>> ForMudForm<T>(this IValidator<T> validator) =>
        async (model, propertyName) =>
        {
            var result = await validator.ValidateAsync(
                ValidationContext<T>.CreateWithOptions((T)model, options => options.IncludeProperties(propertyName)));
            return result.IsValid ? [] : result.Errors.Select(e => e.ErrorMessage);
        };
}
