using Credits.Billing.Tests.Support;

namespace Credits.Billing.Tests.Metering;

/// <summary>
/// Stripe.net's own retries off and one retry of ours: a failed call is left to the next flush, which is
/// the path that must lose nothing.
/// </summary>
public sealed class StreamMetering : BillingServices
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Stripe:MaxNetworkRetries"] = "0";
        settings["Stripe:TransientRetries"] = "1";
        settings["Metering:Transport"] = "Stream";
    }
}

public sealed class V1Metering : BillingServices
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Stripe:MaxNetworkRetries"] = "0";
        settings["Stripe:TransientRetries"] = "1";
        settings["Metering:Transport"] = "V1";
    }
}
