using Credits.StripeEmulator.Tests.Support;
using Credits.Testing;
using Stripe;
using Stripe.Checkout;

namespace Credits.StripeEmulator.Tests.Fidelity;

// Saving a card without a payment (SetupIntents, Checkout in setup mode) and with one (Checkout in payment mode with
// payment_intent_data[setup_future_usage] or saved_payment_method_options[payment_method_save]), as Stripe documents it:
// https://docs.stripe.com/api/setup_intents, https://docs.stripe.com/payments/save-and-reuse?platform=web&ui=stripe-hosted,
// https://support.stripe.com/questions/prefilling-saved-cards-in-checkout.
public abstract partial class StripeFidelity
{
    private Task<Customer> CustomerWithoutCardAsync() =>
        Client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = $"{Target.Unique}-nocard@example.com" });

    private async Task<List<string>> CardsOfAsync(string customer) =>
        (await Client.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions { Customer = customer })).Data.Select(p => p.Id).ToList();

    /// <summary>The types of the events about <paramref name="ids"/>, in the order Stripe created them (its event list, oldest first).</summary>
    private async Task<List<string>> EventOrderAsync(params string[] ids)
    {
        var events = await Client.V1.Events.ListAsync(new EventListOptions { Limit = 100 });
        return events.Data.AsEnumerable().Reverse()
            .Where(e => e.Data.Object is IHasId o && ids.Contains(o.Id)).Select(e => e.Type).ToList();
    }

    private SessionCreateOptions SetupSession(string customer) => new()
    {
        Mode = "setup", Currency = "usd", Customer = customer,
        SuccessUrl = "https://example.com/card-saved?session={CHECKOUT_SESSION_ID}", CancelUrl = "https://example.com/portal",
        Metadata = new() { ["purpose"] = "card-" + Target.Unique },
        SetupIntentData = new() { Metadata = new() { ["credits_customer"] = Target.Unique } },
    };

    [StripeFact]
    public async Task An_off_session_setup_intent_confirmed_with_a_test_card_succeeds_and_attaches_the_card_but_sets_no_default()
    {
        var customer = await CustomerWithoutCardAsync();

        var setup = await Client.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions
        {
            Customer = customer.Id, PaymentMethod = "pm_card_visa", Confirm = true, Usage = "off_session",
            AllowedPaymentMethodTypes = ["card"], Metadata = new() { ["purpose"] = Target.Unique },
        });

        AssertShapedLike(setup, "setup_intent");
        Assert.Equal(("succeeded", "off_session", customer.Id), (setup.Status, setup.Usage, setup.CustomerId));
        Assert.Equal(Target.Unique, setup.Metadata["purpose"]);
        Assert.Contains(setup.PaymentMethodId, await CardsOfAsync(customer.Id));
        Assert.Null((await Client.V1.Customers.GetAsync(customer.Id)).InvoiceSettings.DefaultPaymentMethodId);
        Assert.Equal(setup.Id, (await Client.V1.SetupIntents.GetAsync(setup.Id)).Id);
        var listed = await Client.V1.SetupIntents.ListAsync(new SetupIntentListOptions { Customer = customer.Id });
        Assert.Equal([setup.Id], listed.Data.Select(s => s.Id));
    }

    [StripeFact]
    public async Task A_declined_card_fails_the_setup_with_402_carrying_the_setup_intent_and_attaches_nothing()
    {
        var customer = await CustomerWithoutCardAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() => Client.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions
        {
            Customer = customer.Id, PaymentMethod = "pm_card_chargeDeclined", Confirm = true, AllowedPaymentMethodTypes = ["card"],
        }));

        Assert.Equal(System.Net.HttpStatusCode.PaymentRequired, error.HttpStatusCode);
        Assert.Equal(("card_error", "card_declined"), (error.StripeError.Type, error.StripeError.Code));
        Assert.Equal("requires_payment_method", error.StripeError.SetupIntent.Status);
        Assert.Equal("card_declined", error.StripeError.SetupIntent.LastSetupError.Code);
        Assert.Empty(await CardsOfAsync(customer.Id));
    }

    [StripeFact]
    public async Task Confirming_a_setup_intent_on_the_dashboards_payment_methods_without_a_return_url_is_refused()
    {
        var customer = await CustomerWithoutCardAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() => Client.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions
        {
            Customer = customer.Id, PaymentMethod = "pm_card_visa", Confirm = true,
        }));
        var withoutRedirects = await Client.V1.SetupIntents.CreateAsync(new SetupIntentCreateOptions
        {
            Customer = customer.Id, PaymentMethod = "pm_card_visa", Confirm = true,
            AutomaticPaymentMethods = new() { Enabled = true, AllowRedirects = "never" },
        });

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Contains("return_url", error.StripeError.Message);
        Assert.Equal("succeeded", withoutRedirects.Status);
    }

    [StripeFact]
    public async Task A_setup_mode_checkout_session_has_stripes_fields_and_an_open_setup_intent_with_the_setup_intent_data()
    {
        var customer = await CustomerWithoutCardAsync();

        var session = await Client.V1.Checkout.Sessions.CreateAsync(SetupSession(customer.Id));
        var withLines = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Checkout.Sessions.CreateAsync(new SessionCreateOptions
        {
            Mode = "setup", Currency = "usd", Customer = customer.Id, SuccessUrl = "https://example.com/ok",
            LineItems = [new() { Quantity = 1, PriceData = new() { Currency = "usd", UnitAmount = 500, ProductData = new() { Name = "Credits" } } }],
        }));

        AssertShapedLike(session, "checkout.session");
        Assert.Equal(("setup", "open", "no_payment_required"), (session.Mode, session.Status, session.PaymentStatus));
        Assert.Null(session.AmountTotal);
        Assert.Null(session.PaymentIntentId);
        Assert.False(string.IsNullOrEmpty(session.Url));
        var setup = await Client.V1.SetupIntents.GetAsync(session.SetupIntentId);
        Assert.Equal(("requires_payment_method", "off_session", customer.Id), (setup.Status, setup.Usage, setup.CustomerId));
        Assert.Equal(Target.Unique, setup.Metadata["credits_customer"]);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, withLines.HttpStatusCode);
    }

    [StripeFact(EmulatorOnly = true)]
    public async Task Saving_a_card_on_the_setup_page_attaches_it_then_setup_intent_succeeded_then_checkout_session_completed()
    {
        var customer = await CustomerWithoutCardAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var endpoint = await Client.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = receiver.Url, EnabledEvents = ["checkout.session.completed", "setup_intent.succeeded", "payment_method.attached"],
        });
        try
        {
            var session = await Client.V1.Checkout.Sessions.CreateAsync(SetupSession(customer.Id));

            var page = await (await Control.GetAsync(new Uri(session.Url).PathAndQuery)).Content.ReadAsStringAsync();
            Assert.Contains("Save card", page);
            var redirect = await Control.PostFormAsync(new Uri(session.Url).AbsolutePath + "/pay");

            Assert.Equal($"https://example.com/card-saved?session={session.Id}", redirect.Headers.Location?.ToString());
            var completed = await Client.V1.Checkout.Sessions.GetAsync(session.Id, new() { Expand = ["setup_intent"] });
            Assert.Equal(("complete", "no_payment_required"), (completed.Status, completed.PaymentStatus));
            Assert.Equal("succeeded", completed.SetupIntent.Status);
            var card = await Client.V1.PaymentMethods.GetAsync(completed.SetupIntent.PaymentMethodId);
            Assert.Equal((customer.Id, "4242", "limited"), (card.CustomerId, card.Card.Last4, card.AllowRedisplay));
            Assert.Equal(["payment_method.attached", "setup_intent.succeeded", "checkout.session.completed"],
                (await EventOrderAsync(session.Id, completed.SetupIntentId, card.Id)).Where(t => t != "setup_intent.created"));
            // Delivered to the endpoint too (in any order, as Stripe does not guarantee one), each verifiable.
            var delivered = await Eventually.Get(() => Task.FromResult(receiver.Received
                    .Select(d => EventUtility.ConstructEvent(d.Payload, d.Signature, endpoint.Secret, 300, false)).Select(e => e.Type).ToHashSet()),
                types => types.Count == 3, TimeSpan.FromSeconds(10));
            Assert.Equal(["checkout.session.completed", "payment_method.attached", "setup_intent.succeeded"], delivered.Order());
        }
        finally
        {
            await Client.V1.WebhookEndpoints.DeleteAsync(endpoint.Id);
        }
    }

    [StripeFact(EmulatorOnly = true)]
    public async Task A_declined_card_on_the_setup_page_shows_the_decline_and_the_session_stays_open_for_another_card()
    {
        var customer = await CustomerWithoutCardAsync();
        var session = await Client.V1.Checkout.Sessions.CreateAsync(SetupSession(customer.Id));

        var declined = await Control.PostFormAsync(new Uri(session.Url).AbsolutePath + "/decline");

        Assert.Equal(System.Net.HttpStatusCode.OK, declined.StatusCode);
        Assert.Contains("declined", await declined.Content.ReadAsStringAsync());
        var open = await Client.V1.Checkout.Sessions.GetAsync(session.Id, new() { Expand = ["setup_intent"] });
        Assert.Equal("open", open.Status);
        Assert.Equal(("requires_payment_method", "card_declined"), (open.SetupIntent.Status, open.SetupIntent.LastSetupError.Code));
        Assert.Empty(await CardsOfAsync(customer.Id));

        var retried = await Control.CheckoutAsync(session.Id, "complete");

        Assert.Equal("complete", (string?)retried["status"]);
        Assert.Single(await CardsOfAsync(customer.Id));
        var cancel = await Assert.ThrowsAsync<StripeException>(() => Client.V1.SetupIntents.CancelAsync(session.SetupIntentId));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, cancel.HttpStatusCode);
    }

    [StripeFact(EmulatorOnly = true)]
    public async Task Expiring_a_setup_session_cancels_its_setup_intent()
    {
        var customer = await CustomerWithoutCardAsync();
        var session = await Client.V1.Checkout.Sessions.CreateAsync(SetupSession(customer.Id));

        await Client.V1.Checkout.Sessions.ExpireAsync(session.Id);

        var setup = await Client.V1.SetupIntents.GetAsync(session.SetupIntentId);
        Assert.Equal(("canceled", "abandoned"), (setup.Status, setup.CancellationReason));
    }

    private SessionCreateOptions TopUpSession(string customer, string? setupFutureUsage = null, bool offerSave = false) => new()
    {
        Mode = "payment", Customer = customer, SuccessUrl = "https://example.com/ok",
        LineItems = [new() { Quantity = 1, PriceData = new() { Currency = "usd", UnitAmount = 1000, ProductData = new() { Name = "1,000 credits" } } }],
        Metadata = new() { ["purchase"] = "session-" + Target.Unique },
        PaymentIntentData = new() { SetupFutureUsage = setupFutureUsage, Metadata = new() { ["purchase"] = "intent-" + Target.Unique } },
        SavedPaymentMethodOptions = offerSave ? new() { PaymentMethodSave = "enabled" } : null,
    };

    [StripeFact(EmulatorOnly = true)]
    public async Task A_top_up_with_setup_future_usage_attaches_the_paid_card_and_one_without_it_does_not()
    {
        var customer = await CustomerWithoutCardAsync();
        var saving = await Client.V1.Checkout.Sessions.CreateAsync(TopUpSession(customer.Id, "off_session"));
        var plain = await Client.V1.Checkout.Sessions.CreateAsync(TopUpSession(customer.Id));

        Assert.Contains("reuse-notice", await (await Control.GetAsync(new Uri(saving.Url).PathAndQuery)).Content.ReadAsStringAsync());
        await Control.CheckoutAsync(plain.Id, "complete");
        Assert.Empty(await CardsOfAsync(customer.Id));
        await Control.CheckoutAsync(saving.Id, "complete");

        var paid = await Client.V1.Checkout.Sessions.GetAsync(saving.Id, new() { Expand = ["payment_intent.payment_method"] });
        Assert.Equal(("complete", "paid"), (paid.Status, paid.PaymentStatus));
        Assert.Equal("off_session", paid.PaymentIntent.SetupFutureUsage);
        Assert.Equal("intent-" + Target.Unique, paid.PaymentIntent.Metadata["purchase"]);
        Assert.Equal((customer.Id, "limited"), (paid.PaymentIntent.PaymentMethod.CustomerId, paid.PaymentIntent.PaymentMethod.AllowRedisplay));
        Assert.Equal([paid.PaymentIntent.PaymentMethodId], await CardsOfAsync(customer.Id));
        var order = await EventOrderAsync(paid.Id, paid.PaymentIntentId, paid.PaymentIntent.PaymentMethodId);
        Assert.True(order.IndexOf("payment_intent.succeeded") < order.IndexOf("checkout.session.completed"), string.Join(", ", order));
        Assert.True(order.IndexOf("payment_method.attached") < order.IndexOf("checkout.session.completed"), string.Join(", ", order));
    }

    [StripeFact(EmulatorOnly = true)]
    public async Task Ticking_save_on_a_top_up_that_offers_it_attaches_the_card_with_allow_redisplay_always()
    {
        var customer = await CustomerWithoutCardAsync();
        var session = await Client.V1.Checkout.Sessions.CreateAsync(TopUpSession(customer.Id, offerSave: true));
        var unticked = await Client.V1.Checkout.Sessions.CreateAsync(TopUpSession(customer.Id, offerSave: true));

        Assert.Equal("enabled", session.SavedPaymentMethodOptions.PaymentMethodSave);
        Assert.Contains("id=\"save\"", await (await Control.GetAsync(new Uri(session.Url).PathAndQuery)).Content.ReadAsStringAsync());
        await Control.PostFormAsync(new Uri(unticked.Url).AbsolutePath + "/pay");
        Assert.Empty(await CardsOfAsync(customer.Id));
        await Control.PostFormAsync(new Uri(session.Url).AbsolutePath + "/pay", ("save", "on"));

        var paid = await Client.V1.Checkout.Sessions.GetAsync(session.Id, new() { Expand = ["payment_intent.payment_method"] });
        Assert.Equal("paid", paid.PaymentStatus);
        Assert.Equal((customer.Id, "always"), (paid.PaymentIntent.PaymentMethod.CustomerId, paid.PaymentIntent.PaymentMethod.AllowRedisplay));
    }
}
