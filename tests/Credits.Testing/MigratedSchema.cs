using Npgsql;

namespace Credits.Testing;

/// <summary>
/// The schema every system under test starts from, made once per test process: `Credits.Orchestrator migrate` (the
/// deploy step, as operators run it) applies the migrations to a template database, and each test class's database is
/// then created as a copy of it (<see cref="PostgresDatabase.Migrated"/>: <c>CREATE DATABASE … TEMPLATE</c>, 0.2 to
/// 0.3 s for the 34 tables here). Migrating every class's database started one more .NET process per class, 2 to 6
/// seconds of both cores each on a loaded machine, for the same result. The migrations themselves stay tested: the
/// template is made by them, and tests/Credits.IntegrationTests/Migrations upgrades databases written by older
/// migrations.
/// </summary>
public static class MigratedSchema
{
    static readonly SemaphoreSlim Gate = new(1, 1);
    static string? _template;

    /// <summary>
    /// The template's name, made on the first call. Several classes copy it at once: each CREATE takes a share lock on
    /// it, and nobody connects to it after the migrate process has exited (PostgreSQL waits a few seconds for a backend
    /// still closing).
    /// </summary>
    public static async Task<string> TemplateAsync()
    {
        if (_template is not null) return _template;
        await Gate.WaitAsync();
        try
        {
            if (_template is not null) return _template;
            var template = new PostgresDatabase();
            await template.InitializeAsync();
            await using (var migrate = new HostProcess("Orchestrator", new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Testing",
                ["Postgres__ConnectionString"] = template.ConnectionString,
            }))
            {
                var exit = await migrate.RunToExitAsync(TimeSpan.FromSeconds(150), "migrate");
                if (exit != 0) throw new InvalidOperationException("migrate failed:\n" + migrate.Output);
            }
            // Dropped when the test process exits, so a run leaves no template behind (unless the process is killed).
            AppDomain.CurrentDomain.ProcessExit += (_, _) => template.DisposeAsync().GetAwaiter().GetResult();
            return _template = template.Name;
        }
        finally
        {
            Gate.Release();
        }
    }
}
