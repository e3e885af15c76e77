using Credits.Contracts.Usage;
using Credits.Ledger.Pricing;
using Credits.Ledger.Usage;
using Credits.Testing;

namespace Credits.Ledger.Tests.Support;

/// <summary>Rate cards published into a test database, and usage priced with them through the real ingestion path.</summary>
public static class PricedUsageSupport
{
    public static readonly DateTimeOffset Version1From = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Version2From = new(2026, 11, 15, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Version 1 for the year, version 2 from mid-November with gpt-4o's input tokens at twice the price.</summary>
    public static readonly RateCardCatalog Catalog = new([
        new RateCardDefinition
        {
            Version = 1, EffectiveFrom = Version1From,
            Rates =
            [
                new() { Feature = "gpt-4o", Unit = "input-token", CreditsPerUnit = 0.00025m },
                new() { Feature = "gpt-4o", Unit = "output-token", CreditsPerUnit = 0.001m },
                new() { Feature = "image-gen", Unit = "image", CreditsPerUnit = 4m },
                new() { Feature = "*", Unit = "audio-second", CreditsPerUnit = 0.1m },
            ],
        },
        new RateCardDefinition
        {
            Version = 2, EffectiveFrom = Version2From,
            Rates =
            [
                new() { Feature = "gpt-4o", Unit = "input-token", CreditsPerUnit = 0.0005m },
                new() { Feature = "gpt-4o", Unit = "output-token", CreditsPerUnit = 0.001m },
                new() { Feature = "image-gen", Unit = "image", CreditsPerUnit = 4m },
            ],
        },
    ]);

    public static async Task PublishAsync(LedgerDatabase database, RateCardCatalog? catalog = null, DateTimeOffset? now = null)
    {
        await using var db = database.NewContext();
        await RateCardPublisher.PublishAsync(db, catalog ?? Catalog, now ?? Version1From, default);
    }

    public static RateCards Cards(LedgerDatabase database, TimeProvider clock) => new(async ct =>
    {
        await using var db = database.NewContext();
        return await RateCardSnapshot.LoadAsync(db, ct);
    }, clock);

    public static UsageIngestion Ingestion(this Customer customer, LedgerDatabase database) =>
        new(customer.Ledger, Cards(database, customer.Clock), customer.Clock);

    public static UsageRecorded Tokens(this Customer customer, decimal quantity, string eventId, string feature = "gpt-4o",
        string unit = "input-token", DateTimeOffset? occurredAt = null) => new()
    {
        CustomerId = customer.Id, EventId = eventId, Quantity = quantity, Unit = unit, Feature = feature,
        OccurredAt = occurredAt ?? default,
    };

    public static Task<decimal> RemainderAsync(this LedgerDatabase database, string customerId) =>
        database.ScalarAsync<decimal>($"SELECT usage_remainder FROM ledger_accounts WHERE customer_id = '{customerId}'");
}
