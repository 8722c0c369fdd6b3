using ConsentDashboard.Data;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace ConsentDashboard.Infrastructure.Validation;

public static class ValidatorExtensions
{
    private const string UnitContextKey = "ConsentDashboard.UnitContext";

    /// <summary>Runs the same rules the form ran, again in the service; throws with every message when any fails.</summary>
    public static async Task EnsureValidAsync<T>(this IValidator<T> validator, T input, CancellationToken cancellationToken = default) =>
        ThrowIfInvalid(await validator.ValidateAsync(input, cancellationToken));

    /// <summary>
    /// The same, inside an audit unit: rules that read the database read through <paramref name="within"/>, the unit's
    /// context, so they see what earlier units of the same commit wrote (two admins cannot both take one name).
    /// </summary>
    public static async Task EnsureValidAsync<T>(this IValidator<T> validator, T input, ApplicationDbContext within, CancellationToken cancellationToken = default)
    {
        var context = new ValidationContext<T>(input);
        context.RootContextData[UnitContextKey] = within;
        ThrowIfInvalid(await validator.ValidateAsync(context, cancellationToken));
    }

    /// <summary>Runs a rule's query on the unit's context when validating inside a unit, else on a context of its own.</summary>
    public static async Task<TResult> ReadAsync<T, TResult>(
        this ValidationContext<T> context, IDbContextFactory<ApplicationDbContext> dbFactory, Func<ApplicationDbContext, Task<TResult>> read, CancellationToken cancellationToken)
    {
        if (context.RootContextData.TryGetValue(UnitContextKey, out var value) && value is ApplicationDbContext within)
        {
            return await read(within);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await read(db);
    }

    private static void ThrowIfInvalid(FluentValidation.Results.ValidationResult result)
    {
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
