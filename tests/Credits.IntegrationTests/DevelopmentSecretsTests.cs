using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Credits.Testing;
using Xunit;

namespace Credits.IntegrationTests;

/// <summary>
/// The development secrets the repository publishes (the API key "credits-dev-key", the portal signing key, the Stripe
/// emulator's webhook secret) stop a host outside Development with a message naming the setting, also when they come
/// from a secret file; in Development the same settings start. docs/security/production.md.
/// </summary>
public class DevelopmentSecretsTests(Infrastructure infrastructure) : IClassFixture<Infrastructure>
{
    const string DevelopmentKeySha256 = "3817b1addc2d8f93cef79faf4fd8c193ba89ebe4aaa3b0e652ed7a3dd9de28dc";
    const string DevelopmentPortalKey = "local-development-portal-signing-key-not-a-secret";

    static Dictionary<string, string> Production() => StartupSettings.Valid("Production");

    [Theory]
    [InlineData("Gateway", "ApiKeys__Keys__0__Sha256", DevelopmentKeySha256, "ApiKeys:Keys:0:Sha256")]
    [InlineData("Gateway", "Portal__SigningKey", DevelopmentPortalKey, "Portal:SigningKey")]
    [InlineData("Gateway", "Stripe__WebhookSecret", "whsec_emulator", "Stripe:WebhookSecret")]
    [InlineData("Orchestrator", "Stripe__WebhookSecret", "whsec_emulator", "Stripe:WebhookSecret")]
    public async Task A_development_secret_stops_a_production_host_naming_the_setting(string host, string variable, string value, string key)
    {
        var environment = Production();
        environment[variable] = value;

        await using var process = new HostProcess(host, environment);
        var exit = await process.RunToExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exit);
        Assert.Contains(key, process.Output);
        Assert.Contains("Development", process.Output);
    }

    [Fact]
    public async Task The_emulators_key_sent_to_Stripe_itself_stops_the_host()
    {
        var environment = Production();
        environment["Stripe__SecretKey"] = "sk_test_emulator";
        environment["Stripe__ApiBase"] = "https://api.stripe.com";

        await using var process = new HostProcess("Orchestrator", environment);
        Assert.NotEqual(0, await process.RunToExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Stripe:SecretKey is the emulator's key", process.Output);
    }

    [Fact]
    public async Task Development_secrets_read_from_files_are_refused_too()
    {
        using var secrets = new TemporaryDirectory();
        File.WriteAllText(Path.Combine(secrets.Path, "Portal__SigningKey"), DevelopmentPortalKey + "\n");
        var hashFile = Path.Combine(secrets.Path, "..", Path.GetFileName(secrets.Path) + "-api-key-hash");
        File.WriteAllText(hashFile, DevelopmentKeySha256 + "\n");
        try
        {
            var environment = Production();
            environment["SecretsDirectory"] = secrets.Path;                 // key per file
            environment["ApiKeys__Keys__0__Sha256_FILE"] = hashFile;         // NAME_FILE
            await using var process = new HostProcess("Gateway", environment);

            Assert.NotEqual(0, await process.RunToExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("Portal:SigningKey is the public development key", process.Output);
            Assert.Contains("ApiKeys:Keys:0:Sha256 is the hash of the public development key", process.Output);
        }
        finally { File.Delete(hashFile); }
    }

    [Fact]
    public async Task A_secret_file_that_cannot_be_read_stops_the_host_naming_the_setting()
    {
        var environment = Production();
        environment["Stripe__WebhookSecret_FILE"] = "/nonexistent/credits/webhook-secret";

        await using var process = new HostProcess("Gateway", environment);
        Assert.NotEqual(0, await process.RunToExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Stripe__WebhookSecret_FILE", process.Output);
    }

    [Fact]
    public async Task In_Development_the_development_settings_start_and_the_development_key_works()
    {
        // Everything else (the dev API key, portal key, emulator secrets) comes from appsettings.Development.json.
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Postgres__ConnectionString"] = infrastructure.Database.ConnectionString,
            ["RabbitMq__Url"] = infrastructure.VirtualHost.Uri.ToString(),
        };
        await using var gateway = new HostProcess("Gateway", environment, HostProcess.FreePort());
        await gateway.StartAsync();

        Assert.NotEqual(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(gateway, "credits-dev-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(gateway, "another-key"));
    }

    [Fact]
    public async Task In_Production_a_key_hash_read_from_a_file_is_the_key()
    {
        using var secrets = new TemporaryDirectory();
        const string key = "production-test-key";
        File.WriteAllText(Path.Combine(secrets.Path, "ApiKeys__Keys__0__Sha256"),
            Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))) + "\n");
        var environment = Production();
        environment.Remove("ApiKeys__Keys__0__Sha256");
        environment["SecretsDirectory"] = secrets.Path;
        environment["Postgres__ConnectionString"] = infrastructure.Database.ConnectionString;
        environment["RabbitMq__Url"] = infrastructure.VirtualHost.Uri.ToString();
        await using var gateway = new HostProcess("Gateway", environment, HostProcess.FreePort());
        await gateway.StartAsync();

        Assert.NotEqual(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(gateway, key));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithKeyAsync(gateway, "credits-dev-key"));
    }

    /// <summary>Any answer but 401 (the database has no tables here) shows the key was accepted.</summary>
    static async Task<HttpStatusCode> StatusWithKeyAsync(HostProcess gateway, string key)
    {
        using var http = new HttpClient { BaseAddress = gateway.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.GetAsync("/v1/customers/nobody-here/balance");
        return response.StatusCode;
    }

    sealed class TemporaryDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("credits-secrets-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
