namespace Credits.IntegrationTests;

/// <summary>
/// Settings that pass every host's validation and reach nothing (port 1): what start-up tests change one setting of,
/// to see a host refuse it by name.
/// </summary>
static class StartupSettings
{
    public static Dictionary<string, string> Valid(string environmentName) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = environmentName,
        ["Postgres__ConnectionString"] = "Host=127.0.0.1;Port=1;Database=none",
        ["RabbitMq__Url"] = "amqp://guest:guest@127.0.0.1:1/",
        ["ApiKeys__Keys__0__Name"] = "app",
        ["ApiKeys__Keys__0__Sha256"] = new string('a', 64),
        ["ApiKeys__Keys__0__Scopes__0"] = "read",
        ["Stripe__SecretKey"] = "sk_test_x",
        ["Stripe__WebhookSecret"] = "whsec_x",
        ["Stripe__ApiBase"] = "http://127.0.0.1:1",
        ["Stripe__MeterEventsBase"] = "http://127.0.0.1:1",
    };
}
