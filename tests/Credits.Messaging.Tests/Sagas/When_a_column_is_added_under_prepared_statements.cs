using Credits.Testing;
using Xunit;

namespace Credits.Messaging.Tests.Sagas;

/// <summary>
/// The hosts prepare their statements on each connection (Credits.ServiceDefaults.PreparedStatements), the saga's
/// lock statement among them. A column added to a saga's table (a migration rolled out while instances run) must not
/// fail the next event on a connection that prepared the lock: PostgreSQL refuses a prepared statement whose result
/// would change ("cached plan must not change result type"), which a SELECT * would be, and pessimistic mode has no
/// retry to hide it. The lock names its columns.
/// </summary>
public class When_a_column_is_added_under_prepared_statements(Infrastructure infrastructure) : IClassFixture<Infrastructure>
{
    [Fact]
    public async Task Should_apply_every_event_after_the_column_is_added()
    {
        await using var host = await TallyHost.Start(infrastructure, s =>
        {
            // One message at a time: one pooled connection, so the lock is prepared where the next event runs.
            s.ConcurrentMessageLimit = 1;
            s.ConnectionString = c => c + ";Max Auto Prepare=16;Auto Prepare Min Usages=2";
        });
        var tallyId = Guid.NewGuid();
        await host.Publish(new TallyOpened { TallyId = tallyId });
        await host.WaitFor(tallyId, t => t.CurrentState == "Open", "the tally opened");
        for (var i = 0; i < 5; i++)
        {
            await host.Publish(new TallyIncremented { TallyId = tallyId });
            await host.WaitFor(tallyId, t => t.Count == i + 1, "the increment before the new column committed");
        }

        await infrastructure.Database.ExecuteAsync("ALTER TABLE tally ADD COLUMN added_later text");
        for (var i = 0; i < 5; i++)
            await host.Publish(new TallyIncremented { TallyId = tallyId });

        await host.WaitFor(tallyId, t => t.Count == 10, "every increment after the new column committed", seconds: 15);
    }
}
