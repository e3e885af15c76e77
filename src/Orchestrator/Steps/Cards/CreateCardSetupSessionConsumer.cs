using Credits.Billing.Catalog;
using Credits.Billing.StripeAdapter;
using Credits.Contracts.Customers;
using Credits.Orchestrator.Steps.TopUps;
using MassTransit;
using Microsoft.Extensions.Options;
using Stripe.Checkout;

namespace Credits.Orchestrator.Steps.Cards;

/// <summary>
/// A Checkout session in setup mode: Stripe's page collects the card (Credits never has card fields of its own) and
/// saves it to the customer through a SetupIntent. The URL goes back to the saga that asked (card setup or plan change).
/// The metadata, on the session and on its SetupIntent, routes the session's events back to that saga.
/// </summary>
public sealed class CreateCardSetupSessionConsumer(StripeCalls stripe, IOptions<CheckoutOptions> checkout, BillingCatalog catalog,
    IOptions<CatalogOptions> catalogOptions) : IConsumer<CreateCardSetupSession>
{
    public async Task Consume(ConsumeContext<CreateCardSetupSession> context)
    {
        var m = context.Message;
        var metadata = new Dictionary<string, string>
        {
            [CardSetupMetadata.OperationIdKey] = m.OperationId.ToString(),
            [StripeSubscriptions.CustomerIdMetadata] = m.CustomerId,
        };
        var options = new SessionCreateOptions
        {
            Mode = "setup",
            Customer = m.StripeCustomerId,
            // Setup mode needs a currency: the catalog's (its default plan's), the one the subscription is billed in.
            Currency = catalog.Plan(catalogOptions.Value.DefaultPlan)!.Currency,
            ClientReferenceId = m.OperationId.ToString(),
            Metadata = metadata,
            SetupIntentData = new() { Metadata = metadata },
            SuccessUrl = checkout.Value.SuccessUrl,
            CancelUrl = checkout.Value.CancelUrl,
            ExpiresAt = CheckoutLifetime.WithinStripeBounds(m.ExpiresAt)?.UtcDateTime,
        };
        var session = (await stripe.WriteAsync("create card setup session", m.IdempotencyKey,
            (c, o, t) => c.V1.Checkout.Sessions.CreateAsync(options, o, t), context.CancellationToken)).GetValueOrThrow();
        await context.Publish(new CardSetupSessionCreated { OperationId = m.OperationId, SessionId = session.Id, Url = session.Url });
    }
}
