using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Npgsql;
using SQLitePCL;
using FastPathResult = ConsentDashboard.Infrastructure.Audit.AuditChainVerifier.FastPathResult;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// The fast path's walk over the log, on every core. Each entry's hash covers its own stored previous hash, so each
/// entry can be checked on its own; only the links between them need an order. The log is cut into runs of
/// 2^<c>runLevel</c> sequences, and one worker per core takes the next run, each on its own connection: it steps through
/// the run's rows (in place on SQLite, <see cref="SqliteAuditRowReader"/>; by binary COPY on PostgreSQL,
/// <see cref="PostgreSqlAuditRowReader"/>), checks sequence, column types, links and
/// filter columns, and hashes every entry. Once all runs are read, the link between each run and the one before is
/// checked. Runs start at multiples of their length, so each is a complete subtree of the Merkle tree: a worker hashes
/// its run's subtree when a head needs the root, and only a run in which a head ends keeps its entries' hashes.
/// Memory stays constant however long the log; a database held only in memory is walked by one worker.
/// </summary>
internal static class AuditChainWalk
{
    public const int DefaultRunLevel = 14;

    /// <summary>Walks a SQLite log: one worker per core, each on a read-only connection of its own to the same file.</summary>
    public static FastPathResult Run(
        SqliteConnection connection, AuditLogTables tables, IProgress<long>? progress, IReadOnlyCollection<long> rootsAt,
        CancellationToken cancellationToken, int runLevel = DefaultRunLevel, int? workers = null)
    {
        var plan = Plan.Of(connection, tables, rootsAt, runLevel);
        var file = raw.sqlite3_db_filename(connection.Handle!, "main").utf8_to_string();
        var count = string.IsNullOrEmpty(file) ? 1 : Math.Clamp(workers ?? Environment.ProcessorCount, 1, plan.Runs);
        return Run(plan, count, progress, cancellationToken, worker =>
        {
            if (worker == 0)
            {
                return new SqliteRuns(connection, owned: false);
            }

            var own = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            own.Open();
            return new SqliteRuns(own, owned: true);
        });
    }

    /// <summary>
    /// Walks a PostgreSQL log: one worker per core, each streaming its runs with binary <c>COPY</c> on a connection of its
    /// own, a clone of <paramref name="connection"/> with a larger read buffer (8 KB reads made the copy mostly system calls).
    /// </summary>
    public static FastPathResult Run(
        NpgsqlConnection connection, AuditLogTables tables, IProgress<long>? progress, IReadOnlyCollection<long> rootsAt,
        CancellationToken cancellationToken, int runLevel = DefaultRunLevel, int? workers = null)
    {
        var plan = Plan.Of(connection, tables, rootsAt, runLevel);
        var count = Math.Clamp(workers ?? Environment.ProcessorCount, 1, plan.Runs);
        return Run(plan, count, progress, cancellationToken, _ =>
        {
            var own = connection.CloneWith(new NpgsqlConnectionStringBuilder(connection.ConnectionString) { ReadBufferSize = 64 * 1024 }.ConnectionString);
            own.Open();
            return new PostgreSqlRuns(own);
        });
    }

    private static FastPathResult Run(Plan plan, int workers, IProgress<long>? progress, CancellationToken cancellationToken, Func<int, IAuditRunSource> source)
    {
        var walk = new Walk(plan, progress, cancellationToken);
        var threads = Enumerable.Range(0, workers).Select(worker => Task.Factory.StartNew(() =>
        {
            using var runs = source(worker);
            walk.Work(runs);
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        try
        {
            Task.WaitAll(threads, CancellationToken.None);
        }
        catch (AggregateException failed)
        {
            walk.Stop();
            var first = failed.Flatten().InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException) ?? failed.InnerExceptions[0];
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }

        return walk.Join();
    }

    /// <summary>How the log is cut: the number of runs and which heads want roots.</summary>
    private sealed record Plan(AuditLogTables Tables, int RunLevel, int Runs, long[] Wanted)
    {
        public long RunLength => 1L << RunLevel;

        public long Largest => Wanted.Length == 0 ? 0 : Wanted[^1];

        public static Plan Of(System.Data.Common.DbConnection connection, AuditLogTables tables, IReadOnlyCollection<long> rootsAt, int runLevel)
        {
            using var command = connection.CreateCommand();
            command.CommandText = tables.SelectBounds;
            using var reader = command.ExecuteReader();
            reader.Read();
            var (first, last, unnumbered) = (reader.GetValue(0), reader.GetValue(1), reader.GetValue(2));
            // Anything but a log numbered from 1 is read as one run, so the walk meets the first odd row exactly as it lies.
            var runs = first is 1L && last is long end && unnumbered is 0L or false ? (int)(((end - 1) >> runLevel) + 1) : 1;
            return new Plan(tables, runLevel, runs, rootsAt.Where(size => size > 0).Distinct().Order().ToArray());
        }

        /// <summary>
        /// The rows of run <paramref name="run"/>. The first and last runs are open-ended and the others meet without a gap,
        /// so every numbered row lies in one (a row without a number made the plan a single run).
        /// </summary>
        public string Sql(int run)
        {
            var column = Tables.SequenceColumn;
            var start = (run * RunLength + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var next = ((run + 1) * RunLength + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Runs == 1 ? Tables.SelectEntriesInOrder()
                : run == 0 ? Tables.SelectEntriesInOrder($"{column} < {next}")
                : run == Runs - 1 ? Tables.SelectEntriesInOrder($"{column} >= {start}")
                : Tables.SelectEntriesInOrder($"{column} >= {start} AND {column} < {next}");
        }
    }

    /// <summary>What a worker found in one run.</summary>
    private sealed class RunResult
    {
        public long Count;
        public byte[] FirstPreviousHash = [];
        public byte[] LastHash = [];
        public (long Sequence, string Reason)? Suspect;
        public string? Unavailable;
        public byte[]? SubtreeHash;
        public byte[]? EntryHashes;
    }

    private sealed class Walk(Plan plan, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        private readonly RunResult?[] _results = new RunResult?[plan.Runs];
        private readonly Lock _progressLock = new();
        private int _next = -1;
        private long _checked;
        private long _reported;
        private volatile bool _stopped;

        public void Stop() => _stopped = true;

        public void Work(IAuditRunSource source)
        {
            using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var canonical = new byte[64 * 1024];
            byte[]? hashes = null;
            try
            {
                while (!_stopped)
                {
                    var run = Interlocked.Increment(ref _next);
                    if (run >= plan.Runs)
                    {
                        return;
                    }

                    hashes ??= plan.Largest > 0 ? new byte[plan.RunLength * MerkleHashSize] : null;
                    var result = WalkRun(source, run, hasher, ref canonical, hashes);
                    _results[run] = result;
                    if (result.Suspect is not null || result.Unavailable is not null)
                    {
                        // The first suspect is enough: the classifier walks the log again to name the failure.
                        _stopped = true;
                        return;
                    }

                    Report(Interlocked.Add(ref _checked, result.Count));
                }
            }
            catch
            {
                _stopped = true;
                throw;
            }
        }

        /// <summary>Puts the runs together: every link between runs, the Merkle roots the heads need, the head.</summary>
        public FastPathResult Join()
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_results.FirstOrDefault(r => r?.Unavailable is not null) is { Unavailable: { } why })
            {
                return FastPathResult.CannotRun(why);
            }

            if (_results.Where(r => r?.Suspect is not null).Select(r => r!.Suspect!.Value).OrderBy(s => s.Sequence).FirstOrDefault() is { Reason: not null } suspect)
            {
                return FastPathResult.Suspect(suspect.Sequence, suspect.Reason);
            }

            var roots = new Merkle.RootCollector(plan.Wanted);
            var previous = System.Text.Encoding.ASCII.GetBytes(AuditCanonicalEncoding.GenesisHash);
            long head = 0;
            for (var run = 0; run < plan.Runs; run++)
            {
                var result = _results[run] ?? throw new InvalidOperationException($"Run {run} of the audit walk was not read.");
                if (result.Count == 0)
                {
                    continue;
                }

                if (!result.FirstPreviousHash.AsSpan().SequenceEqual(previous))
                {
                    return FastPathResult.Suspect(head + 1, "its previous hash is not the hash of the entry before it");
                }

                if (result.SubtreeHash is { } subtree)
                {
                    roots.AddSubtree(plan.RunLevel, subtree);
                }
                else if (result.EntryHashes is { } entries)
                {
                    for (var i = 0; i < entries.Length / MerkleHashSize; i++)
                    {
                        roots.Add(entries.AsSpan(i * MerkleHashSize, MerkleHashSize));
                    }
                }

                previous = result.LastHash;
                head += result.Count;
            }

            progress?.Report(head);
            return new FastPathResult(
                new AuditVerificationResult(head, head, System.Text.Encoding.ASCII.GetString(previous), TimeSpan.Zero, RootsAt: roots.Roots), null, null, null);
        }

        private const int MerkleHashSize = Merkle.MerkleTree.HashSize;

        private RunResult WalkRun(IAuditRunSource source, int run, IncrementalHash hasher, ref byte[] canonical, byte[]? hashes)
        {
            var result = new RunResult();
            using var reader = source.Open(plan.Sql(run), out var problem);
            if (reader is null)
            {
                result.Unavailable = problem;
                return result;
            }

            var first = run * plan.RunLength + 1;
            var expected = first;
            Span<byte> previousHash = stackalloc byte[64];
            Span<byte> digest = stackalloc byte[MerkleHashSize];
            Span<byte> stored = stackalloc byte[MerkleHashSize];
            while (reader.Read())
            {
                if ((expected & 1023) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (_stopped)
                    {
                        return result;
                    }
                }

                var row = reader.Current();
                ReadOnlySpan<byte> link = expected == first ? [] : previousHash;
                if (Check(row, expected, link) is { } reason)
                {
                    result.Suspect = (expected, reason);
                    return result;
                }

                var bound = AuditCanonicalEncoding.CanonicalLengthBound(row.Actor.Length, row.Action.Length, row.Subject.Length, row.Details.Length);
                if (bound > canonical.Length)
                {
                    canonical = new byte[bound];
                }

                var written = AuditCanonicalEncoding.WriteCanonical(
                    canonical, expected, row.Timestamp, row.Actor, row.Action, row.Subject, row.Details, row.PreviousHash);
                if (written < 0 || !AuditCanonicalEncoding.TryDecodeHex(row.Hash, stored))
                {
                    result.Suspect = (expected, "its stored timestamp or hash is not in the form the fast path reads");
                    return result;
                }

                hasher.AppendData(canonical, 0, written);
                hasher.GetHashAndReset(digest);
                if (!digest.SequenceEqual(stored))
                {
                    result.Suspect = (expected, "its content does not match its hash");
                    return result;
                }

                if (expected == first)
                {
                    result.FirstPreviousHash = row.PreviousHash.ToArray();
                }

                if (hashes is not null && expected - first < plan.RunLength)
                {
                    digest.CopyTo(hashes.AsSpan((int)(expected - first) * MerkleHashSize));
                }

                row.Hash.CopyTo(previousHash);
                expected++;
            }

            result.Count = expected - first;
            if (result.Count > 0)
            {
                result.LastHash = previousHash.ToArray();
            }

            if (run < plan.Runs - 1 && result.Count < plan.RunLength)
            {
                // The rows stop before the run's end, yet a later run has rows: the next entry is missing.
                result.Suspect = (expected, $"there is no row with sequence {expected}");
                return result;
            }

            if (hashes is not null)
            {
                KeepWhatTheRootsNeed(result, first - 1, hashes);
            }

            return result;
        }

        /// <summary>
        /// A complete run with no head ending inside it is one subtree of the Merkle tree: only its hash is kept. A run in
        /// which a head ends, or the log's last, keeps its entries' hashes for the roots to be computed leaf by leaf.
        /// </summary>
        private void KeepWhatTheRootsNeed(RunResult result, long start, byte[] hashes)
        {
            if (plan.Largest <= start)
            {
                return;
            }

            // The last run may have grown past its length while it was read (the app appends); heads end before that.
            var kept = (int)Math.Min(result.Count, plan.RunLength);
            if (kept < plan.RunLength || plan.Wanted.Any(size => size > start && size < start + kept))
            {
                result.EntryHashes = hashes.AsSpan(0, kept * MerkleHashSize).ToArray();
                return;
            }

            result.SubtreeHash = SubtreeHash(hashes, kept);
        }

        /// <summary>
        /// The Merkle tree hash of a complete subtree, from its entries' hashes, computed in place: leaf hashes
        /// (0x00 ‖ entry hash), then each level's nodes (0x01 ‖ left ‖ right). One-shot hashing: these inputs are so short
        /// that each call's cost is mostly the call.
        /// </summary>
        private static byte[] SubtreeHash(byte[] hashes, int leaves)
        {
            Span<byte> input = stackalloc byte[1 + 2 * MerkleHashSize];
            input[0] = 0x00;
            for (var i = 0; i < leaves; i++)
            {
                var slot = hashes.AsSpan(i * MerkleHashSize, MerkleHashSize);
                slot.CopyTo(input[1..]);
                SHA256.HashData(input[..(1 + MerkleHashSize)], slot);
            }

            input[0] = 0x01;
            for (var width = leaves / 2; width >= 1; width /= 2)
            {
                for (var i = 0; i < width; i++)
                {
                    hashes.AsSpan(2 * i * MerkleHashSize, 2 * MerkleHashSize).CopyTo(input[1..]);
                    SHA256.HashData(input, hashes.AsSpan(i * MerkleHashSize, MerkleHashSize));
                }
            }

            return hashes.AsSpan(0, MerkleHashSize).ToArray();
        }

        /// <summary>Why the row cannot be the entry expected here, or null when its sequence, types, link and filter columns hold.</summary>
        private static string? Check(in AuditRowBytes row, long expected, ReadOnlySpan<byte> previousHash)
        {
            if (row.Sequence != expected)
            {
                return $"the row found there has sequence {row.Sequence}";
            }

            if (!row.HasTheTypesTheAppWrites)
            {
                return "a column holds a value of a type the app never writes there";
            }

            if (row.Hash.Length != 64 || !AuditCanonicalEncoding.IsLowerHex(row.Hash))
            {
                return "its hash is not 64 lower-case hex digits";
            }

            // The first row of a run is linked to the run before when the runs are joined.
            if (previousHash.Length > 0 && !row.PreviousHash.SequenceEqual(previousHash))
            {
                return "its previous hash is not the hash of the entry before it";
            }

            return row.FacetsAgree() ? null : "its filter columns disagree with its details";
        }

        private void Report(long done)
        {
            if (progress is null)
            {
                return;
            }

            lock (_progressLock)
            {
                if (done > _reported)
                {
                    _reported = done;
                    progress.Report(done);
                }
            }
        }
    }
}
