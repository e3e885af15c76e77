using Credits.Billing.Audit;
using Credits.Contracts.TopUps;
using Credits.IntegrationTests.Sagas;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests.Audit;

/// <summary>
/// The money audit's refund and dispute check on the real system (docs/audit/payments.md): a refund, a dispute and a
/// dispute's win happen at Stripe while their webhooks cannot reach Credits. The audit reports each with its figures
/// and repairs nothing (the credits may have been spent meanwhile: an operator decides); once Stripe's retried webhook
/// lets the saga do its part, the next run clears the difference.
/// </summary>
public class RefundAuditTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>, IAsyncLifetime
{
    TestBus? _bus;
    SagaFlows Flows => new(system, _bus!.Publisher);
    AuditBooks Audit => new(system);

    public async Task InitializeAsync()
    {
        _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri);
        // Failed webhooks are retried on Stripe's schedule in quarter seconds while the Gateway is down, and at once when it
        // is back (SystemUnderTest.WithGatewayDownAsync).
        await system.Stripe.Control.ConfigureAsync(new { webhookRetryDelayMs = 250 });
    }

    public async Task DisposeAsync() { if (_bus is not null) await _bus.DisposeAsync(); }

    static readonly TimeSpan RetriedWebhook = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_refund_whose_webhook_is_lost_is_reported_with_its_figures_and_cleared_once_the_credits_are_taken_back()
    {
        var (id, purchase) = await Flows.PaidSavedCardPurchaseAsync("audit-refund");
        var refundId = "";

        await system.WithGatewayDownAsync(async () =>
        {
            // Half the payment refunded at Stripe; charge.refunded cannot reach Credits.
            refundId = (await Flows.Stripe.V1.Refunds.CreateAsync(new() { PaymentIntent = purchase.PaymentIntentId, Amount = 500 })).Id;

            await Audit.RunAsync();

            var difference = Assert.Single(await Audit.DifferencesAsync(id));
            Assert.Equal((AuditKinds.RefundNotReversed, purchase.PaymentIntentId, AuditDifferenceStatus.Open),
                (difference.Kind, difference.Subject, difference.Status));
            Assert.Null(difference.Repair);
            var evidence = AuditBooks.Evidence(difference);
            Assert.Contains(refundId, evidence.StripeIds);
            Assert.Contains(PurchaseKeys.Reversal(purchase.CorrelationId, 500), evidence.LedgerKeys);
            Assert.Equal(("500 usd", "250", "0"), (evidence.Figures["refunded"], evidence.Figures["expected_credits_back"], evidence.Figures["taken_back"]));
            Assert.Equal(700, await system.Accounts.AvailableAsync(id)); // not repaired
        });

        Assert.Equal((long?)450, await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 450, RetriedWebhook,
            "the retried charge.refunded takes back 250 credits"));
        await Audit.RunAsync();
        Assert.Equal(AuditDifferenceStatus.Cleared, Assert.Single(await Audit.DifferencesAsync(id)).Status);
    }

    [Fact]
    public async Task A_dispute_whose_webhook_is_lost_is_reported_not_frozen_and_cleared_once_frozen()
    {
        var (id, purchase) = await Flows.PaidSavedCardPurchaseAsync("audit-dispute");
        var charge = (await Flows.Stripe.V1.PaymentIntents.GetAsync(purchase.PaymentIntentId)).LatestChargeId;
        var disputeId = "";

        await system.WithGatewayDownAsync(async () =>
        {
            disputeId = (string)(await system.Stripe.Control.DisputeAsync(charge, amount: 500))["id"]!;

            await Audit.RunAsync();

            var difference = Assert.Single(await Audit.DifferencesAsync(id));
            Assert.Equal((AuditKinds.DisputeNotFrozen, disputeId, AuditDifferenceStatus.Open), (difference.Kind, difference.Subject, difference.Status));
            Assert.Null(difference.Repair);
            var evidence = AuditBooks.Evidence(difference);
            Assert.Contains(charge, evidence.StripeIds);
            Assert.Equal(("500 usd", "250", "0"), (evidence.Figures["disputed"], evidence.Figures["expected_credits_frozen"], evidence.Figures["frozen"]));
            Assert.Equal(700, await system.Accounts.AvailableAsync(id));
        });

        Assert.Equal((long?)450, await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 450, RetriedWebhook,
            "the retried charge.dispute.created freezes 250 credits"));
        await Audit.RunAsync();
        Assert.Equal(AuditDifferenceStatus.Cleared, Assert.Single(await Audit.DifferencesAsync(id)).Status);
    }

    [Fact]
    public async Task A_won_dispute_whose_close_is_lost_is_reported_still_frozen_and_cleared_once_restored()
    {
        var (id, purchase) = await Flows.PaidSavedCardPurchaseAsync("audit-dispute-won");
        var charge = (await Flows.Stripe.V1.PaymentIntents.GetAsync(purchase.PaymentIntentId)).LatestChargeId;
        var disputeId = (string)(await system.Stripe.Control.DisputeAsync(charge, amount: 500))["id"]!;
        Assert.Equal((long?)450, await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 450, SagaFlows.StepTimeout,
            "250 credits frozen"));
        await Flows.TopUpInStateAsync(purchase.CorrelationId, "Disputed");
        await Eventually.True(async () => (await Flows.TopUpAsync(purchase.CorrelationId))!.CreditsFrozen == 250, SagaFlows.StepTimeout, "the freeze recorded");

        await system.WithGatewayDownAsync(async () =>
        {
            await system.Stripe.Control.CloseDisputeAsync(disputeId, "won");

            await Audit.RunAsync();

            var difference = Assert.Single(await Audit.DifferencesAsync(id));
            Assert.Equal((AuditKinds.DisputeWonNotRestored, disputeId, AuditDifferenceStatus.Open), (difference.Kind, difference.Subject, difference.Status));
            Assert.Contains("250 frozen credits given back", difference.Expected);
            Assert.Equal(2, AuditBooks.Evidence(difference).LedgerEntryIds.Count); // the grant and the freeze
            Assert.Equal(450, await system.Accounts.AvailableAsync(id));
        });

        Assert.Equal((long?)700, await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(id), a => a == 700, RetriedWebhook,
            "the retried charge.dispute.closed gives the 250 credits back"));
        await Audit.RunAsync();
        Assert.Equal(AuditDifferenceStatus.Cleared, Assert.Single(await Audit.DifferencesAsync(id)).Status);
    }
}
