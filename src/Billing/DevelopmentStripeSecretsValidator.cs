using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Credits.Billing;

/// <summary>
/// The offline emulator's secrets (run.sh, docker compose's dev profile, appsettings.Development.json) are public.
/// Outside Development: "whsec_emulator" is refused as the webhook secret (anyone could sign a "payment succeeded"
/// event with it), and "sk_test_emulator" is refused when it would be sent to Stripe itself (a host that thinks it
/// talks to Stripe but is configured for the emulator). Tests and other non-Development hosts may still use the key
/// against an emulator. Without a host environment (a bare service collection in a test) nothing is checked.
/// </summary>
public sealed class DevelopmentStripeSecretsValidator(IHostEnvironment? environment = null) : IValidateOptions<StripeOptions>
{
    public const string EmulatorSecretKey = "sk_test_emulator";
    public const string EmulatorWebhookSecret = "whsec_emulator";

    public ValidateOptionsResult Validate(string? name, StripeOptions options)
    {
        if (environment is null || environment.IsDevelopment()) return ValidateOptionsResult.Skip;
        var failures = new List<string>();
        if (options.WebhookSecret == EmulatorWebhookSecret)
            failures.Add($"Stripe:WebhookSecret is the emulator's public secret '{EmulatorWebhookSecret}', refused outside Development " +
                         $"(environment '{environment.EnvironmentName}'): use the signing secret of your Stripe webhook endpoint.");
        if (options.SecretKey == EmulatorSecretKey && IsStripe(options.ApiBase))
            failures.Add($"Stripe:SecretKey is the emulator's key '{EmulatorSecretKey}' but Stripe:ApiBase is Stripe ({options.ApiBase}): " +
                         "set your Stripe secret key, or point Stripe:ApiBase at the emulator.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    static bool IsStripe(string apiBase) =>
        Uri.TryCreate(apiBase, UriKind.Absolute, out var uri)
        && (uri.Host.Equals("stripe.com", StringComparison.OrdinalIgnoreCase) || uri.Host.EndsWith(".stripe.com", StringComparison.OrdinalIgnoreCase));
}
