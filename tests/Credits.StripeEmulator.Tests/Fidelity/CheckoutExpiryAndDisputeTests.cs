using Credits.StripeEmulator.Tests.Support;
using Credits.Testing;
using Stripe;
using Stripe.Checkout;

namespace Credits.StripeEmulator.Tests.Fidelity;

// Checkout's expires_at bounds and disputes (docs/boundaries/payments.md), as Stripe documents them:
// https://docs.stripe.com/payments/checkout/managing-limited-inventory (expires_at: 30 minutes to 24 hours after the
// current time), https://docs.stripe.com/api/disputes/object, https://docs.stripe.com/api/disputes/close (lost).
public abstract partial class StripeFidelity
{
    private SessionCreateOptions CheckoutOptions(string customerId, DateTime? expiresAt) => new()
    {
        Mode = "payment", Customer = customerId, SuccessUrl = "https://example.com/ok", ExpiresAt = expiresAt,
        LineItems = [new() { Quantity = 1, PriceData = new() { Currency = "usd", UnitAmount = 500, ProductData = new() { Name = "Credits" } } }],
    };

    [StripeFact]
    public async Task A_checkout_session_expires_between_30_minutes_and_24_hours_from_now_and_can_be_expired_early()
    {
        var customer = await CustomerWithCardAsync();
        var now = DateTime.UtcNow;

        var tooSoon = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Checkout.Sessions.CreateAsync(CheckoutOptions(customer.Id, now.AddMinutes(20))));
        var tooLate = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Checkout.Sessions.CreateAsync(CheckoutOptions(customer.Id, now.AddHours(25))));
        var inBounds = await Client.V1.Checkout.Sessions.CreateAsync(CheckoutOptions(customer.Id, now.AddHours(2)));
        var byDefault = await Client.V1.Checkout.Sessions.CreateAsync(CheckoutOptions(customer.Id, null));
        var expired = await Client.V1.Checkout.Sessions.ExpireAsync(inBounds.Id);

        foreach (var refused in new[] { tooSoon, tooLate })
        {
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.HttpStatusCode);
            Assert.Equal("invalid_request_error", refused.StripeError.Type);
            Assert.Equal("expires_at", refused.StripeError.Param);
        }
        Assert.InRange(inBounds.ExpiresAt, now.AddHours(2).AddSeconds(-2), now.AddHours(2).AddSeconds(2));
        Assert.InRange(byDefault.ExpiresAt - DateTime.UtcNow, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
        Assert.Equal(("expired", "unpaid"), (expired.Status, expired.PaymentStatus));
        var again = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Checkout.Sessions.ExpireAsync(inBounds.Id));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, again.HttpStatusCode);
    }

    /// <summary>
    /// A paid charge with a dispute on it: on Stripe the test card 4000 0000 0000 0259 is disputed a moment after the
    /// payment; on the emulator the control API opens the dispute.
    /// </summary>
    private async Task<(Charge Charge, Dispute Dispute)> DisputedChargeAsync()
    {
        var customer = await CustomerWithCardAsync(Target.IsEmulator ? "pm_card_visa" : "pm_card_createDispute");
        var intent = await ChargeOffSessionAsync(customer, 1000);
        if (Target.IsEmulator) await Control.DisputeAsync(intent.LatestChargeId, reason: "fraudulent");
        var disputes = await Eventually.Get(() => Client.V1.Disputes.ListAsync(new DisputeListOptions { Charge = intent.LatestChargeId }),
            l => l.Data.Count > 0, TimeSpan.FromMinutes(Target.IsEmulator ? 0.1 : 2));
        return (await Client.V1.Charges.GetAsync(intent.LatestChargeId), await Client.V1.Disputes.GetAsync(disputes.Data[0].Id));
    }

    [StripeFact]
    public async Task A_disputed_charge_has_a_dispute_shaped_like_stripes_and_closing_it_accepts_the_loss()
    {
        var (charge, dispute) = await DisputedChargeAsync();

        AssertShapedLike(dispute, "dispute");
        Assert.Equal(("needs_response", 1000L, charge.Id, charge.PaymentIntentId), (dispute.Status, dispute.Amount, dispute.ChargeId, dispute.PaymentIntentId));
        Assert.True(charge.Disputed);
        var closed = await Client.V1.Disputes.CloseAsync(dispute.Id);
        Assert.Equal("lost", closed.Status);
        var again = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Disputes.CloseAsync(dispute.Id));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, again.HttpStatusCode);
    }

    [StripeFact]
    public async Task Winning_evidence_wins_a_dispute_in_test_mode()
    {
        var (_, dispute) = await DisputedChargeAsync();

        await Client.V1.Disputes.UpdateAsync(dispute.Id, new DisputeUpdateOptions
        {
            Evidence = new DisputeEvidenceOptions { UncategorizedText = "winning_evidence" },
        });

        var won = await Eventually.Get(() => Client.V1.Disputes.GetAsync(dispute.Id), d => d.Status is "won" or "lost",
            TimeSpan.FromMinutes(Target.IsEmulator ? 0.1 : 3));
        Assert.Equal("won", won.Status);
    }

    [StripeFact(EmulatorOnly = true)]
    public async Task The_control_api_opens_and_decides_disputes_with_stripes_events()
    {
        var (charge, dispute) = await DisputedChargeAsync();

        var closed = await Control.CloseDisputeAsync(dispute.Id, "won");

        Assert.Equal("won", (string?)closed["status"]);
        var events = await Client.V1.Events.ListAsync(new EventListOptions { Type = "charge.dispute.*" });
        var types = events.Data.Where(e => ((Dispute)e.Data.Object).Id == dispute.Id).Select(e => e.Type).ToHashSet();
        Assert.Superset(new HashSet<string> { "charge.dispute.created", "charge.dispute.funds_withdrawn", "charge.dispute.closed", "charge.dispute.funds_reinstated" }, types);
        var partial = await Assert.ThrowsAsync<HttpRequestException>(() => Control.DisputeAsync(charge.Id)); // one dispute per charge
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, partial.StatusCode);
    }
}
