using Credits.Gateway.Authentication;
using Credits.Gateway.Portal;
using Microsoft.Extensions.Options;

namespace Credits.Gateway.Security;

public static class DevelopmentSecretsRegistration
{
    /// <summary>
    /// Refuses, outside Development, the development secrets the repository publishes (API key, portal signing key).
    /// Stripe's emulator secrets are refused by Credits.Billing's own validator, for both hosts.
    /// The validators join the options' start-up validation (AddValidatedOptions ... ValidateOnStart).
    /// </summary>
    public static WebApplicationBuilder RefuseDevelopmentSecretsOutsideDevelopment(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<ApiKeyOptions>, DevelopmentApiKeyValidator>();
        builder.Services.AddSingleton<IValidateOptions<PortalOptions>, DevelopmentPortalKeyValidator>();
        return builder;
    }
}
