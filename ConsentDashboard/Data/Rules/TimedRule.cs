using System.Linq.Expressions;

namespace ConsentDashboard.Data;

/// <summary>
/// A business rule about an entity at a moment, written once as an expression: EF Core translates it into SQL where a
/// query filters on it, and code holding an entity calls the same rule compiled.
/// </summary>
public sealed class TimedRule<T>(Expression<Func<T, DateTime, bool>> rule)
{
    private readonly Func<T, DateTime, bool> _compiled = rule.Compile();

    public bool IsMetBy(T item, DateTime utcNow) => _compiled(item, utcNow);

    /// <summary>The rule at <paramref name="utcNow"/>, as a filter EF Core can translate (the moment becomes a query parameter).</summary>
    public Expression<Func<T, bool>> At(DateTime utcNow) => Bind(rule.Body, utcNow);

    /// <summary>The rule's negation at <paramref name="utcNow"/>.</summary>
    public Expression<Func<T, bool>> NotAt(DateTime utcNow) => Bind(Expression.Not(rule.Body), utcNow);

    private Expression<Func<T, bool>> Bind(Expression body, DateTime utcNow)
    {
        // A member of a captured object, not a constant, so EF Core sends the moment as a parameter and caches one plan.
        var moment = Expression.Property(Expression.Constant(new Moment(utcNow)), nameof(Moment.Value));
        return Expression.Lambda<Func<T, bool>>(new Substitute(rule.Parameters[1], moment).Visit(body), rule.Parameters[0]);
    }

    private sealed record Moment(DateTime Value);

    private sealed class Substitute(ParameterExpression parameter, Expression replacement) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? replacement : node;
    }
}
