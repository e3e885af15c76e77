using Credits.Billing.Webhooks;
using Credits.Contracts.Billing;
using Stripe;
using Xunit;

namespace Credits.Billing.Tests.Webhooks;

/// <summary>Disputes reach the top-up saga through the disputed charge's payment intent (docs/boundaries/payments.md).</summary>
public class When_a_charge_is_disputed
{
    static Event Of(string type, Dispute dispute) => new() { Id = "evt_d", Type = type, Created = DateTime.UtcNow, Data = new EventData { Object = dispute } };

    [Fact]
    public void Should_translate_the_opening_and_the_outcome_with_the_payment_intent()
    {
        var dispute = new Dispute { Id = "dp_1", ChargeId = "ch_1", PaymentIntentId = "pi_1", Amount = 500, Currency = "usd", Reason = "fraudulent", Status = "needs_response" };

        var created = Assert.IsType<StripeDisputeCreated>(StripeEventTranslator.Translate(Of(EventTypes.ChargeDisputeCreated, dispute)).Message);
        dispute.Status = "lost";
        var closed = Assert.IsType<StripeDisputeClosed>(StripeEventTranslator.Translate(Of(EventTypes.ChargeDisputeClosed, dispute)).Message);

        Assert.Equal(("dp_1", "ch_1", "pi_1", 500L, "needs_response"), (created.DisputeId, created.ChargeId, created.PaymentIntentId, created.Amount, created.Status));
        Assert.Equal(("dp_1", "pi_1", "lost"), (closed.DisputeId, closed.PaymentIntentId, closed.Status));
        Assert.Contains(EventTypes.ChargeDisputeCreated, StripeEventTranslator.HandledTypes);
        Assert.Contains(EventTypes.ChargeDisputeClosed, StripeEventTranslator.HandledTypes);
    }
}
