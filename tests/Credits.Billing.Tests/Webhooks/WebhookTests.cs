using System.Net;
using System.Text.Json.Nodes;
using Credits.Billing.Tests.Support;
using Credits.Contracts.Billing;
using Credits.Testing;
using Stripe;
using Xunit;

namespace Credits.Billing.Tests.Webhooks;

/// <summary>POST /webhooks/stripe end to end: Kestrel, signature, PostgreSQL, outbox, RabbitMQ.</summary>
public sealed class WebhookTests(WebhookHost host) : IClassFixture<WebhookHost>
{
    static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task An_event_from_Stripe_is_verified_stored_and_published_on_the_bus()
    {
        var stripe = host.Emulator.CreateClient();
        var customer = await stripe.V1.Customers.CreateAsync(new() { Name = "webhook" });
        var session = await stripe.V1.Checkout.Sessions.CreateAsync(new()
        {
            Mode = "payment", Customer = customer.Id, ClientReferenceId = "purchase-1",
            SuccessUrl = "https://example.test/ok", CancelUrl = "https://example.test/cancel",
            LineItems = [new() { Quantity = 1, PriceData = new() { Currency = "usd", UnitAmount = 500, ProductData = new() { Name = "500 credits" } } }],
        });
        using (var http = new HttpClient { BaseAddress = host.Emulator.BaseUrl })
            (await http.PostAsync($"/_emulator/checkout/{session.Id}/complete", null)).EnsureSuccessStatusCode();

        var completed = await Eventually.Get(() => Task.FromResult(host.Received.Of<StripeCheckoutSessionCompleted>().FirstOrDefault(m => m.SessionId == session.Id)),
            m => m is not null, TimeSpan.FromSeconds(20), "checkout.session.completed delivered by the emulator and relayed over RabbitMQ");
        Assert.Equal("paid", completed!.PaymentStatus);
        Assert.Equal("purchase-1", completed.ClientReferenceId);
        Assert.Equal(customer.Id, completed.StripeCustomerId);
        Assert.Equal(1, await host.Infrastructure.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM stripe_webhook_events WHERE event_id = '{completed.EventId}' AND outcome = 'published'"));
    }

    [Fact]
    public async Task Stripe_redelivering_and_reordering_a_subscription_lifecycle_publishes_each_event_once()
    {
        var stripe = host.Emulator.CreateClient();
        using var control = new HttpClient { BaseAddress = host.Emulator.BaseUrl };
        (await control.PostAsync("/_emulator/webhooks/chaos", JsonContent("""{"duplicateRate":0.6,"reorderWindowMs":300}"""))).EnsureSuccessStatusCode();
        try
        {
            var product = await stripe.V1.Products.CreateAsync(new() { Name = "chaos" });
            var price = await stripe.V1.Prices.CreateAsync(new() { Product = product.Id, Currency = "usd", UnitAmount = 1000, Recurring = new() { Interval = "month" } });
            var customer = await stripe.V1.Customers.CreateAsync(new() { Name = "chaos" });
            await stripe.V1.PaymentMethods.AttachAsync("pm_card_visa", new() { Customer = customer.Id });
            await stripe.V1.Customers.UpdateAsync(customer.Id, new() { InvoiceSettings = new() { DefaultPaymentMethod = "pm_card_visa" } });
            var subscription = await stripe.V1.Subscriptions.CreateAsync(new()
            {
                Customer = customer.Id, Items = [new() { Price = price.Id, Quantity = 1 }], Metadata = new() { ["customer_id"] = "c_chaos" },
            });
            await stripe.V1.Subscriptions.UpdateAsync(subscription.Id, new() { CancelAtPeriodEnd = true });

            await Eventually.True(() => Task.FromResult(host.Received.Of<StripeSubscriptionUpdated>().Any(m => m.SubscriptionId == subscription.Id && m.CancelAtPeriodEnd)),
                TimeSpan.FromSeconds(20), "the last subscription update is published");
            await Eventually.True(() => Task.FromResult(host.Received.Of<StripeInvoicePaid>().Any(m => m.SubscriptionId == subscription.Id)),
                TimeSpan.FromSeconds(20), "the first invoice's invoice.paid is published");
            await Task.Delay(TimeSpan.FromSeconds(3)); // redeliveries and reordered deliveries settle
            var events = host.Received.All.Where(m => m.Message is StripeSubscriptionUpdated u && u.SubscriptionId == subscription.Id
                                                      || m.Message is StripeInvoicePaid p && p.SubscriptionId == subscription.Id).ToList();
            Assert.All(events.GroupBy(m => m.EventId), g => Assert.Single(g));
            Assert.Equal("c_chaos", host.Received.Of<StripeSubscriptionUpdated>().First(m => m.SubscriptionId == subscription.Id).CustomerId);
        }
        finally
        {
            (await control.PostAsync("/_emulator/webhooks/chaos", JsonContent("""{"duplicateRate":0,"reorderWindowMs":0}"""))).EnsureSuccessStatusCode();
        }
    }

    static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_bad_signature_gets_400_and_publishes_nothing()
    {
        var id = StripeEvents.NewId();
        var json = StripeEvents.SubscriptionUpdated(id, "sub_" + id, DateTimeOffset.UtcNow, "active");

        var response = await StripeEvents.PostAsync(host.Http, json, secret: "whsec_someone_else");

        await AssertRejectedAsync(response, id);
    }

    [Fact]
    public async Task A_missing_signature_gets_400_and_publishes_nothing()
    {
        var id = StripeEvents.NewId();
        var response = await StripeEvents.PostAsync(host.Http, StripeEvents.SubscriptionUpdated(id, "sub_" + id, DateTimeOffset.UtcNow, "active"), secret: null);

        await AssertRejectedAsync(response, id);
    }

    [Fact]
    public async Task A_signature_older_than_five_minutes_gets_400()
    {
        var id = StripeEvents.NewId();
        var json = StripeEvents.SubscriptionUpdated(id, "sub_" + id, DateTimeOffset.UtcNow, "active");

        var response = await StripeEvents.PostAsync(host.Http, json, signedAt: DateTimeOffset.UtcNow.AddSeconds(-301));

        await AssertRejectedAsync(response, id);
    }

    [Fact]
    public async Task A_body_changed_after_signing_gets_400()
    {
        var id = StripeEvents.NewId();
        var json = StripeEvents.SubscriptionUpdated(id, "sub_" + id, DateTimeOffset.UtcNow, "active");
        var content = new StringContent(json.Replace("\"active\"", "\"canceled\""));
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = content };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", EventUtility.GenerateSignatureHeader(json, TestConfiguration.WebhookSecret, null));

        await AssertRejectedAsync(await host.Http.SendAsync(request), id);
    }

    [Fact]
    public async Task An_event_of_another_api_version_gets_400()
    {
        var id = StripeEvents.NewId();
        var json = StripeEvents.Event(id, "customer.subscription.updated", DateTimeOffset.UtcNow,
            new JsonObject { ["id"] = "sub_" + id, ["object"] = "subscription" }, apiVersion: "2024-06-20");

        await AssertRejectedAsync(await StripeEvents.PostAsync(host.Http, json), id);
    }

    [Fact]
    public async Task A_repeated_delivery_is_acknowledged_and_published_once()
    {
        var id = StripeEvents.NewId();
        var json = StripeEvents.SubscriptionUpdated(id, "sub_" + id, DateTimeOffset.UtcNow, "active");

        // Stripe retries, and may deliver the same event more than once, even at the same time.
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => StripeEvents.PostAsync(host.Http, json)));
        var late = await StripeEvents.PostAsync(host.Http, json);

        Assert.All(responses.Append(late), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await Eventually.True(() => Task.FromResult(host.Received.Count(id) > 0), TimeSpan.FromSeconds(15));
        await Task.Delay(Quiet);
        Assert.Equal(1, host.Received.Count(id));
        Assert.Equal(1, await host.Infrastructure.Database.ScalarAsync<long>($"SELECT count(*) FROM stripe_webhook_events WHERE event_id = '{id}'"));
    }

    [Fact]
    public async Task An_older_event_arriving_late_does_not_roll_the_subscription_back()
    {
        var subscription = "sub_" + Guid.NewGuid().ToString("N")[..14];
        var now = DateTimeOffset.UtcNow;
        var older = StripeEvents.NewId();
        var newer = StripeEvents.NewId();

        var first = await StripeEvents.PostAsync(host.Http, StripeEvents.SubscriptionUpdated(newer, subscription, now, "canceled", "customer.subscription.deleted"));
        var second = await StripeEvents.PostAsync(host.Http, StripeEvents.SubscriptionUpdated(older, subscription, now.AddSeconds(-30), "active"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("stale", await second.Content.ReadAsStringAsync());
        await Eventually.True(() => Task.FromResult(host.Received.Count(newer) == 1), TimeSpan.FromSeconds(15));
        await Task.Delay(Quiet);
        Assert.Equal(0, host.Received.Count(older));
        var last = host.Received.Of<StripeSubscriptionUpdated>().Where(m => m.SubscriptionId == subscription).ToList();
        Assert.Equal("canceled", Assert.Single(last).Status);
        Assert.Equal("stale", await host.Infrastructure.Database.ScalarAsync<string>($"SELECT outcome FROM stripe_webhook_events WHERE event_id = '{older}'"));
    }

    [Fact]
    public async Task A_repeated_delivery_leaves_the_watermark_where_the_last_new_event_put_it()
    {
        // Two events of one subscription created in the same second are both applied; the first one, delivered again,
        // is a duplicate and must not take the watermark back from the second.
        var subscription = "sub_" + Guid.NewGuid().ToString("N")[..14];
        var second = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var (first, next) = (StripeEvents.NewId(), StripeEvents.NewId());
        var firstJson = StripeEvents.SubscriptionUpdated(first, subscription, second, "active");

        var answers = new List<HttpResponseMessage>();
        foreach (var json in new[] { firstJson, StripeEvents.SubscriptionUpdated(next, subscription, second, "past_due"), firstJson })
            answers.Add(await StripeEvents.PostAsync(host.Http, json));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Contains("duplicate", await answers[2].Content.ReadAsStringAsync());
        Assert.Equal(next, await host.Infrastructure.Database.ScalarAsync<string>(
            $"SELECT last_event_id FROM stripe_object_versions WHERE object_id = '{subscription}'"));
        Assert.Equal(2, await host.Infrastructure.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM stripe_webhook_events WHERE event_id IN ('{first}', '{next}') AND outcome = 'published'"));
    }

    [Fact]
    public async Task Events_in_order_are_all_published()
    {
        var subscription = "sub_" + Guid.NewGuid().ToString("N")[..14];
        var now = DateTimeOffset.UtcNow;
        var ids = new[] { StripeEvents.NewId(), StripeEvents.NewId(), StripeEvents.NewId() };
        for (var i = 0; i < ids.Length; i++)
            Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(host.Http,
                StripeEvents.SubscriptionUpdated(ids[i], subscription, now.AddSeconds(i * 10), i == 2 ? "past_due" : "active"))).StatusCode);

        await Eventually.True(() => Task.FromResult(ids.All(id => host.Received.Count(id) == 1)), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_subscription_event_without_the_customer_in_its_metadata_names_the_customer_linked_to_its_Stripe_customer()
    {
        // The customer saga finds its instance by the customer id an event names: one whose subscription lost its
        // metadata still names the customer Credits linked, and one of a Stripe customer Credits never linked names none.
        var suffix = Guid.NewGuid().ToString("N")[..12];
        await host.Infrastructure.Database.ExecuteAsync($"""
            INSERT INTO stripe_customers (customer_id, stripe_customer_id, subscription_id, updated_at)
            VALUES ('c_linked_{suffix}', 'cus_linked_{suffix}', 'sub_linked_{suffix}', now())
            """);
        var (linked, stranger, named) = (StripeEvents.NewId(), StripeEvents.NewId(), StripeEvents.NewId());
        var now = DateTimeOffset.UtcNow;

        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(host.Http, StripeEvents.SubscriptionUpdated(
            linked, $"sub_linked_{suffix}", now, "past_due", stripeCustomerId: $"cus_linked_{suffix}", customerId: null))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(host.Http, StripeEvents.SubscriptionUpdated(
            stranger, $"sub_stranger_{suffix}", now, "active", stripeCustomerId: $"cus_stranger_{suffix}", customerId: null))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await StripeEvents.PostAsync(host.Http, StripeEvents.SubscriptionUpdated(
            named, $"sub_named_{suffix}", now, "active", stripeCustomerId: $"cus_linked_{suffix}", customerId: $"c_metadata_{suffix}"))).StatusCode);

        string[] ids = [linked, stranger, named];
        await Eventually.True(() => Task.FromResult(ids.All(id => host.Received.Count(id) == 1)), TimeSpan.FromSeconds(15));
        var received = host.Received.Of<StripeSubscriptionUpdated>().Where(m => ids.Contains(m.EventId)).ToDictionary(m => m.EventId);
        Assert.Equal($"c_linked_{suffix}", received[linked].CustomerId);
        Assert.Null(received[stranger].CustomerId);
        Assert.Equal($"c_metadata_{suffix}", received[named].CustomerId); // the metadata, when present, is what names the customer
    }

    [Fact]
    public async Task An_event_type_Credits_does_not_handle_is_acknowledged_and_not_published()
    {
        var id = StripeEvents.NewId();
        var json = StripeEvents.Event(id, "product.created", DateTimeOffset.UtcNow,
            new JsonObject { ["id"] = "prod_x", ["object"] = "product", ["name"] = "x", ["active"] = true });

        var response = await StripeEvents.PostAsync(host.Http, json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ignored", await host.Infrastructure.Database.ScalarAsync<string>($"SELECT outcome FROM stripe_webhook_events WHERE event_id = '{id}'"));
        Assert.Equal(0, await OutboxRowsAsync(id));
    }

    async Task AssertRejectedAsync(HttpResponseMessage response, string eventId)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await host.Infrastructure.Database.ScalarAsync<long>($"SELECT count(*) FROM stripe_webhook_events WHERE event_id = '{eventId}'"));
        Assert.Equal(0, await OutboxRowsAsync(eventId));
        Assert.Equal(0, host.Received.Count(eventId));
    }

    /// <summary>Outbox rows (pending or not yet cleaned) whose body mentions the event.</summary>
    Task<long> OutboxRowsAsync(string eventId) =>
        host.Infrastructure.Database.ScalarAsync<long>($"SELECT count(*) FROM outbox_message WHERE body LIKE '%{eventId}%'");
}
