namespace ConsentDashboard.Features.Audit;

/// <summary>A published sum: the cell at <paramref name="Total"/> equals the sum of the cells at <paramref name="Parts"/>.</summary>
public sealed record SumRelation(IReadOnlyList<(int Row, int Column)> Parts, (int Row, int Column) Total);

/// <summary>
/// Invariant 6: a non-zero count below the threshold is never published, and neither is anything that would let it be
/// worked out. Primary suppression hides each small count; complementary suppression then hides one more cell in
/// every published sum that would otherwise have exactly one hidden cell, because that cell would be the total minus
/// the others. Repeats until no sum has a single hidden cell.
/// </summary>
public static class SmallCountSuppression
{
    public static bool[,] Suppress(long[,] counts, int threshold, IReadOnlyList<SumRelation> sums)
    {
        var rows = counts.GetLength(0);
        var columns = counts.GetLength(1);
        var hidden = new bool[rows, columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                hidden[r, c] = counts[r, c] > 0 && counts[r, c] < threshold;
            }
        }

        bool changed;
        do
        {
            changed = false;
            foreach (var sum in sums)
            {
                var cells = sum.Parts.Append(sum.Total).ToList();
                if (cells.Count(cell => hidden[cell.Row, cell.Column]) != 1)
                {
                    continue;
                }

                // Hide the part that costs the reader least: the smallest non-zero one, else any part, else the total.
                var candidates = sum.Parts.Where(cell => !hidden[cell.Row, cell.Column]).ToList();
                var choice = candidates.Where(cell => counts[cell.Row, cell.Column] > 0).OrderBy(cell => counts[cell.Row, cell.Column]).Cast<(int, int)?>().FirstOrDefault()
                    ?? candidates.Cast<(int, int)?>().FirstOrDefault()
                    ?? sum.Total;
                hidden[choice.Item1, choice.Item2] = true;
                changed = true;
            }
        }
        while (changed);

        return hidden;
    }

    /// <summary>How a count reads in a published report.</summary>
    public static string Display(long count, bool hidden, int threshold) => hidden ? $"< {threshold}" : count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
