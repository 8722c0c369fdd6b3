using System.Linq.Expressions;

namespace ConsentDashboard.Data;

/// <summary>
/// A business rule about an entity at a moment, written once as an expression: EF Core translates it into SQL where a
/// query filters on it, and code holding an entity calls the same rule compiled.
/// </summary>
public sealed class TimedRule<T>(Expression<Func<T, DateTime, bool>> rule) : IInlinableRule
{
    private readonly Func<T, DateTime, bool> _compiled = rule.Compile();

    public bool IsMetBy(T item, DateTime utcNow) => _compiled(item, utcNow);

    /// <summary>The rule at <paramref name="utcNow"/>, as a filter EF Core can translate (the moment becomes a query parameter).</summary>
    public Expression<Func<T, bool>> At(DateTime utcNow) => Bind(rule.Body, utcNow);

    /// <summary>The rule's negation at <paramref name="utcNow"/>.</summary>
    public Expression<Func<T, bool>> NotAt(DateTime utcNow) => Bind(Expression.Not(rule.Body), utcNow);

    /// <summary>The rule's body with its entity and moment replaced: how <see cref="TimedRules.Inline{TDelegate}"/> puts it into a query.</summary>
    Expression IInlinableRule.BodyFor(Expression item, Expression moment) =>
        new Substitute(rule.Parameters[1], moment).Visit(new Substitute(rule.Parameters[0], item).Visit(rule.Body));

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

/// <summary>Puts rules into a query written once for <c>EF.CompileAsyncQuery</c>, where the moment is the query's own parameter.</summary>
public static class TimedRules
{
    /// <summary>
    /// Replaces every <c>rule.IsMetBy(item, moment)</c> in <paramref name="query"/> with the rule's own expression, so EF
    /// Core translates it (a compiled query cannot take the filter <see cref="TimedRule{T}.At"/> builds per call).
    /// </summary>
    public static Expression<TDelegate> Inline<TDelegate>(Expression<TDelegate> query) => (Expression<TDelegate>)new Inliner().Visit(query);

    private sealed class Inliner : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method.Name == nameof(TimedRule<object>.IsMetBy) && node.Object is { } target && typeof(IInlinableRule).IsAssignableFrom(target.Type))
            {
                // The rule object itself (a static field), evaluated once when the query is compiled.
                var rule = Expression.Lambda<Func<IInlinableRule>>(Expression.Convert(target, typeof(IInlinableRule))).Compile()();
                return rule.BodyFor(Visit(node.Arguments[0]), Visit(node.Arguments[1]));
            }

            return base.VisitMethodCall(node);
        }
    }
}

/// <summary>A rule whose expression can be put into another query with its parameters replaced.</summary>
internal interface IInlinableRule
{
    Expression BodyFor(Expression item, Expression moment);
}
