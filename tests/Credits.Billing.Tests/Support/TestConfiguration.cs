using Credits.StripeEmulator.Hosting;
using Microsoft.Extensions.Configuration;

namespace Credits.Billing.Tests.Support;

/// <summary>The configuration a host would have (appsettings), pointed at an in-process emulator.</summary>
public static class TestConfiguration
{
    public const string WebhookSecret = "whsec_billing_tests";

    public static Dictionary<string, string?> For(RunningEmulator emulator, string connectionString) => new()
    {
        ["ConnectionStrings:Credits"] = connectionString,
        ["Stripe:SecretKey"] = emulator.Options.ApiKey,
        ["Stripe:ApiBase"] = emulator.BaseUrl.ToString().TrimEnd('/'),
        ["Stripe:MeterEventsBase"] = emulator.BaseUrl.ToString().TrimEnd('/'),
        ["Stripe:WebhookSecret"] = WebhookSecret,
        ["Stripe:MaxNetworkRetries"] = "2",
        ["Stripe:TransientRetries"] = "2",
        ["Stripe:RetryBackoff"] = "00:00:00.020",
        ["Plans:hobby:DisplayName"] = "Hobby",
        ["Plans:hobby:IncludedCredits"] = "200",
        ["Plans:hobby:FlatMonthlyAmount"] = "0",
        ["Plans:hobby:Currency"] = "usd",
        ["Plans:pro:DisplayName"] = "Pro",
        ["Plans:pro:IncludedCredits"] = "1000",
        ["Plans:pro:OverageAllowed"] = "true",
        ["Plans:pro:FlatMonthlyAmount"] = "2000",
        ["Plans:pro:Currency"] = "usd",
        ["Plans:pro:OverageUnitAmount"] = "0.5",
        ["CreditPacks:small:Credits"] = "500",
        ["CreditPacks:small:Amount"] = "500",
        ["CreditPacks:small:Currency"] = "usd",
        ["Metering:FlushInterval"] = "00:00:00.200",
        ["Audit:SettleTime"] = "00:00:00",
    };

    public static IConfiguration Build(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
