using Npgsql;
using Stripe;

namespace Credits.Benchmarks;

/// <summary>
/// <c>--sabotage true</c>: after the load and before the checks, does three bad things behind the system's back,
/// so a run shows that the checks can fail (it must then exit 1 naming them): a second payment intent with a
/// purchase's <c>purchase_id</c>, a second flat item on a subscription, and a balance column one credit off
/// its entries.
/// </summary>
public static class SagaLoadSabotage
{
    public static async Task ApplyAsync(SagaLoadSystem system, StripeClient stripe, IReadOnlyList<SagaLoadCustomer> customers, CancellationToken ct)
    {
        var paid = customers.First(c => !c.Declined && c.SavedCard);
        await stripe.V1.PaymentIntents.CreateAsync(new()
        {
            Amount = SagaLoadScenario.PurchaseAmount, Currency = "usd", Customer = paid.StripeCustomerId,
            Metadata = new() { ["purchase_id"] = paid.PurchaseId.ToString() },
        }, cancellationToken: ct);
        Console.WriteLine($"  sabotage: a second payment intent for purchase {paid.PurchaseId} of {paid.CustomerId}");

        var items = customers.First(c => !c.Declined && c != paid);
        var hobbyFlat = (await stripe.V1.Prices.ListAsync(new() { LookupKeys = ["credits:hobby:flat"] }, cancellationToken: ct)).Data.Single();
        await stripe.V1.Subscriptions.UpdateAsync(items.SubscriptionId,
            new() { Items = [new() { Price = hobbyFlat.Id }], ProrationBehavior = "none" }, cancellationToken: ct);
        Console.WriteLine($"  sabotage: a second flat item on subscription {items.SubscriptionId} of {items.CustomerId}");

        var books = customers.First(c => c != paid && c != items);
        await using var connection = new NpgsqlConnection(system.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("UPDATE ledger_accounts SET balance = balance + 1 WHERE customer_id = @c", connection);
        command.Parameters.AddWithValue("c", books.CustomerId);
        await command.ExecuteNonQueryAsync(ct);
        Console.WriteLine($"  sabotage: balance column of {books.CustomerId} one credit above its entries");
    }
}
