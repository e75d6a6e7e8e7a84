using ItsmWorkflows.Engine.Runtime;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Data;

/// <summary>
/// The queries every start, resume and event runs, compiled once. A LINQ query is otherwise translated
/// from its expression tree on every execution (parameter extraction, cache lookup, and for some
/// shapes a freshly emitted delegate whose finalization alone took a fifth of the CPU of a start).
/// One set per provider, so a process that talks to SQLite and PostgreSQL (the tests) does not
/// recompile on every switch.
/// </summary>
internal sealed class HotQueries
{
    private static readonly HotQueries Postgres = new();
    private static readonly HotQueries Sqlite = new();

    public static HotQueries For(ItsmDbContext db) => db.IsPostgres ? Postgres : Sqlite;

    public Func<ItsmDbContext, string, CancellationToken, Task<string?>> PublishedVersionId { get; } = EF.CompileAsyncQuery(
        (ItsmDbContext db, string definitionId, CancellationToken _) => db.Definitions.AsNoTracking()
            .Where(d => d.DefinitionId == definitionId && d.State == DefinitionState.Published).Select(d => d.Id).FirstOrDefault());

    public Func<ItsmDbContext, string, CancellationToken, Task<InstanceRow?>> InstanceState { get; } = EF.CompileAsyncQuery(
        (ItsmDbContext db, string id, CancellationToken _) => db.Instances.AsNoTracking()
            .Where(i => i.Id == id).Select(i => new InstanceRow(i.State, i.Revision)).FirstOrDefault());

    public Func<ItsmDbContext, string, string, CancellationToken, Task<VersionHead?>> VersionById { get; } = EF.CompileAsyncQuery(
        (ItsmDbContext db, string definitionId, string versionId, CancellationToken _) => db.Definitions.AsNoTracking()
            .Where(d => d.DefinitionId == definitionId && d.Id == versionId).Select(d => new VersionHead(d.Id, d.Revision)).FirstOrDefault());

    public Func<ItsmDbContext, string, CancellationToken, Task<VersionHead?>> PublishedVersion { get; } = EF.CompileAsyncQuery(
        (ItsmDbContext db, string definitionId, CancellationToken _) => db.Definitions.AsNoTracking()
            .Where(d => d.DefinitionId == definitionId && d.State == DefinitionState.Published).Select(d => new VersionHead(d.Id, d.Revision)).FirstOrDefault());

    public Func<ItsmDbContext, string, CancellationToken, Task<VersionHead?>> LatestVersion { get; } = EF.CompileAsyncQuery(
        (ItsmDbContext db, string definitionId, CancellationToken _) => db.Definitions.AsNoTracking()
            .Where(d => d.DefinitionId == definitionId).OrderByDescending(d => d.Version).Select(d => new VersionHead(d.Id, d.Revision)).FirstOrDefault());

    public Func<ItsmDbContext, string, CancellationToken, Task<DefinitionRow?>> DefinitionJson { get; } = EF.CompileAsyncQuery(
        (ItsmDbContext db, string id, CancellationToken _) => db.Definitions.AsNoTracking()
            .Where(d => d.Id == id).Select(d => new DefinitionRow(d.Json, d.Revision, d.State)).FirstOrDefault());

    public Func<ItsmDbContext, string, IAsyncEnumerable<BookmarkLocation>> BookmarksByStimulus { get; } = EF.CompileAsyncQuery(
        (ItsmDbContext db, string stimulusHash) => db.Bookmarks.AsNoTracking()
            .Where(b => b.StimulusHash == stimulusHash).OrderBy(b => b.CreatedAt).Select(b => new BookmarkLocation(b.InstanceId, b.Id, b.DueAt)));

    public Func<ItsmDbContext, string, string, IAsyncEnumerable<BookmarkLocation>> BookmarksByStimulusAndCorrelation { get; } = EF.CompileAsyncQuery(
        (ItsmDbContext db, string stimulusHash, string correlationId) => db.Bookmarks.AsNoTracking()
            .Where(b => b.StimulusHash == stimulusHash && b.CorrelationId == correlationId).OrderBy(b => b.CreatedAt).Select(b => new BookmarkLocation(b.InstanceId, b.Id, b.DueAt)));
}

internal sealed record InstanceRow(string State, long Revision);

internal sealed record VersionHead(string Id, long Revision);

internal sealed record DefinitionRow(string Json, long Revision, DefinitionState State);
