using Credits.Gateway.Portal;
using Microsoft.Extensions.Options;

namespace Credits.Gateway.Security;

/// <summary>
/// The development portal signing key is in the repository (appsettings.Development.json): with it anyone could sign a
/// portal link for any customer. Outside Development a host configured with it refuses to start, naming the setting.
/// </summary>
public sealed class DevelopmentPortalKeyValidator(IHostEnvironment environment) : IValidateOptions<PortalOptions>
{
    public const string DevelopmentSigningKey = "local-development-portal-signing-key-not-a-secret";

    public ValidateOptionsResult Validate(string? name, PortalOptions options) =>
        environment.IsDevelopment() || options.SigningKey != DevelopmentSigningKey
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Portal:SigningKey is the public development key, refused outside Development (environment '{environment.EnvironmentName}'). " +
                "Make one of your own: openssl rand -base64 48");
}
