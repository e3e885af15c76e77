using Credits.StripeEmulator.Tests.Support;
using Stripe;

namespace Credits.StripeEmulator.Tests.Fidelity;

public abstract partial class StripeFidelity
{
    [StripeFact]
    public async Task A_webhook_endpoint_keeps_the_api_version_it_was_created_with_and_none_means_the_account_default()
    {
        var pinned = await Client.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = $"https://example.com/webhooks/{Target.Unique}/pinned", EnabledEvents = ["invoice.paid"], ApiVersion = "2025-03-31.basil",
        });
        var unpinned = await Client.V1.WebhookEndpoints.CreateAsync(new WebhookEndpointCreateOptions
        {
            Url = $"https://example.com/webhooks/{Target.Unique}/unpinned", EnabledEvents = ["invoice.paid"],
        });
        try
        {
            Assert.Equal("2025-03-31.basil", (await Client.V1.WebhookEndpoints.GetAsync(pinned.Id)).ApiVersion);
            Assert.Null((await Client.V1.WebhookEndpoints.GetAsync(unpinned.Id)).ApiVersion);
        }
        finally
        {
            await Client.V1.WebhookEndpoints.DeleteAsync(pinned.Id);
            await Client.V1.WebhookEndpoints.DeleteAsync(unpinned.Id);
        }
    }
}
