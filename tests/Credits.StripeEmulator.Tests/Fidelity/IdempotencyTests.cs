using Credits.StripeEmulator.Tests.Support;
using Stripe;

namespace Credits.StripeEmulator.Tests.Fidelity;

public abstract partial class StripeFidelity
{
    [StripeFact]
    public async Task The_same_idempotency_key_replays_the_first_response_and_creates_one_object()
    {
        var key = "create-customer-" + Guid.NewGuid().ToString("n");
        var options = new CustomerCreateOptions { Email = $"{Target.Unique}-idem@example.com" };

        var first = await Client.V1.Customers.CreateAsync(options, new RequestOptions { IdempotencyKey = key });
        var again = await Client.V1.Customers.CreateAsync(options, new RequestOptions { IdempotencyKey = key });

        Assert.Equal(first.Id, again.Id);
        Assert.Equal("true", again.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
        var listed = await Client.V1.Customers.ListAsync(new CustomerListOptions { Email = options.Email });
        Assert.Single(listed.Data);
    }

    [StripeFact]
    public async Task The_same_key_with_other_parameters_is_an_idempotency_error()
    {
        var key = "create-customer-" + Guid.NewGuid().ToString("n");
        await Client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "a@example.com" }, new RequestOptions { IdempotencyKey = key });

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            Client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "b@example.com" }, new RequestOptions { IdempotencyKey = key }));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("idempotency_error", error.StripeError.Type);
    }

    [StripeFact]
    public async Task An_authentication_failure_is_answered_before_the_idempotency_layer_and_not_saved()
    {
        var key = new RequestOptions { IdempotencyKey = "auth-" + Guid.NewGuid().ToString("n") };
        var options = new CustomerCreateOptions { Email = $"{Target.Unique}-auth@example.com" };
        var badKey = Target.IsEmulator ? Target.Emulator!.CreateClient("sk_test_wrong") : new StripeClient("sk_test_wrong");

        var refused = await Assert.ThrowsAsync<StripeException>(() => badKey.V1.Customers.CreateAsync(options, key));
        var created = await Client.V1.Customers.CreateAsync(options, key);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.HttpStatusCode);
        Assert.StartsWith("cus_", created.Id);
    }

    [StripeFact]
    public async Task An_error_is_replayed_too_even_when_the_request_would_now_succeed()
    {
        var product = "prod_" + Guid.NewGuid().ToString("n")[..14];
        var key = "create-price-" + Guid.NewGuid().ToString("n");
        var options = new PriceCreateOptions { Product = product, Currency = "usd", UnitAmount = 100 };

        var first = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Prices.CreateAsync(options, new RequestOptions { IdempotencyKey = key }));
        await Client.V1.Products.CreateAsync(new ProductCreateOptions { Id = product, Name = "Later" });
        var replay = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Prices.CreateAsync(options, new RequestOptions { IdempotencyKey = key }));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, first.HttpStatusCode);
        Assert.Equal(first.HttpStatusCode, replay.HttpStatusCode);
        Assert.Equal(first.StripeError.Message, replay.StripeError.Message);
        Assert.NotNull(await Client.V1.Prices.CreateAsync(options));
    }

    [StripeFact]
    public async Task A_request_refused_by_parameter_validation_is_not_saved_and_a_corrected_retry_under_the_same_key_executes()
    {
        var product = await Client.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Validation " + Target.Unique });
        var key = new RequestOptions { IdempotencyKey = "create-price-" + Guid.NewGuid().ToString("n") };

        var refused = await Assert.ThrowsAsync<StripeException>(() =>
            Client.V1.Prices.CreateAsync(new PriceCreateOptions { Product = product.Id, UnitAmount = 100 }, key));
        var corrected = await Client.V1.Prices.CreateAsync(new PriceCreateOptions { Product = product.Id, UnitAmount = 100, Currency = "usd" }, key);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.HttpStatusCode);
        Assert.Equal("parameter_missing", refused.StripeError.Code);
        Assert.Equal("currency", refused.StripeError.Param);
        Assert.Equal("usd", corrected.Currency);
        Assert.False(corrected.StripeResponse.Headers.Contains("Idempotent-Replayed"), "the corrected request executed; nothing was replayed");
    }

    [StripeFact(EmulatorOnly = true)]
    public async Task A_500_raised_while_executing_is_saved_and_replayed_to_every_retry_under_the_same_key()
    {
        var email = $"{Target.Unique}-stored500-{Guid.NewGuid():n}@example.com";
        var options = new CustomerCreateOptions { Email = email };
        var key = new RequestOptions { IdempotencyKey = "stored-500-" + Guid.NewGuid().ToString("n") };
        await Control.AddFaultAsync(new { method = "POST", path = "/v1/customers", status = 500, times = 1, stored = true });
        try
        {
            // Stripe.net retries a 500 twice under the same key: both retries get the saved 500.
            var retrying = Target.Emulator!.CreateClient(maxNetworkRetries: 2);
            var first = await Assert.ThrowsAsync<StripeException>(() => retrying.V1.Customers.CreateAsync(options, key));
            var later = await Assert.ThrowsAsync<StripeException>(() => retrying.V1.Customers.CreateAsync(options, key));
            var created = (await Client.V1.Customers.ListAsync(new CustomerListOptions { Email = email })).Data;
            var freshKey = await Client.V1.Customers.CreateAsync(options);

            Assert.Equal(System.Net.HttpStatusCode.InternalServerError, first.HttpStatusCode);
            Assert.Equal("true", first.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.Equal(System.Net.HttpStatusCode.InternalServerError, later.HttpStatusCode);
            Assert.Equal("true", later.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.Equal(first.StripeError.Message, later.StripeError.Message);
            Assert.Single(created); // the request executed once: its changes stand behind the 500
            Assert.NotEqual(created[0].Id, freshKey.Id);
        }
        finally
        {
            await Control.ClearFaultsAsync();
        }
    }

    [StripeFact]
    public async Task Events_are_listed_by_type_with_the_pinned_api_version()
    {
        var customer = await CustomerWithCardAsync();

        var events = await Client.V1.Events.ListAsync(new EventListOptions { Type = "customer.created", Limit = 20 });

        var created = events.Data.FirstOrDefault(e => (e.Data.Object as Customer)?.Id == customer.Id);
        Assert.NotNull(created);
        Assert.Equal(StripeConfiguration.ApiVersion, created.ApiVersion);
        AssertShapedLike(StripeFixtures.Raw(events)["data"]![0]!.AsObject(), "event");
    }
}
