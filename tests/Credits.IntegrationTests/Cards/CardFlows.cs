using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.IntegrationTests.Sagas;
using Credits.Persistence.Cards;
using Credits.Sagas.StateMachines;
using Credits.Testing;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Xunit;

namespace Credits.IntegrationTests.Cards;

/// <summary>The card flows through the API, and what Stripe and the database hold afterwards.</summary>
public sealed class CardFlows(SystemUnderTest system, SagaFlows flows)
{
    /// <summary>POST /v1/customers/{id}/card: 202 with the setup id and, once Stripe has the session, its URL.</summary>
    public async Task<JsonElement> SetUpCardAsync(string customerId, string idempotencyKey)
    {
        using var client = system.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/customers/{customerId}/card");
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> OperationAsync(Guid operationId)
    {
        using var client = system.Client();
        return await client.GetFromJsonAsync<JsonElement>($"/v1/operations/{operationId}");
    }

    public async Task<CardSetupState?> CardSetupAsync(Guid setupId)
    {
        await using var db = system.Accounts.NewDbContext();
        return await db.Set<CardSetupState>().AsNoTracking().SingleOrDefaultAsync(s => s.CorrelationId == setupId);
    }

    public async Task<SavedCard?> SavedCardAsync(string customerId)
    {
        await using var db = system.Accounts.NewDbContext();
        return await db.Set<SavedCard>().AsNoTracking().SingleOrDefaultAsync(c => c.CustomerId == customerId);
    }

    /// <summary>The customer gives <paramref name="card"/> on the setup-mode Checkout page (the emulator's control does what the page's button does).</summary>
    public async Task GiveCardAsync(string sessionId, string card = "pm_card_mastercard")
    {
        using var response = await system.Stripe.Control.PostFormAsync($"/_emulator/checkout/{sessionId}/complete?card={card}");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Stripe's side: the card is the customer's invoice default and every live subscription's default.</summary>
    public async Task<PaymentMethod> AssertDefaultCardAsync(string stripeCustomerId, string subscriptionId)
    {
        var customer = await flows.Stripe.V1.Customers.GetAsync(stripeCustomerId);
        var subscription = await flows.Stripe.V1.Subscriptions.GetAsync(subscriptionId);
        Assert.NotNull(customer.InvoiceSettings.DefaultPaymentMethodId);
        Assert.Equal(customer.InvoiceSettings.DefaultPaymentMethodId, subscription.DefaultPaymentMethodId);
        var card = await flows.Stripe.V1.PaymentMethods.GetAsync(customer.InvoiceSettings.DefaultPaymentMethodId);
        Assert.Equal(stripeCustomerId, card.CustomerId);
        return card;
    }

    public static Task<T?> Wait<T>(Func<Task<T?>> read, Func<T?, bool> until, string because) =>
        Eventually.Get(read, until, SagaFlows.StepTimeout, because);
}
