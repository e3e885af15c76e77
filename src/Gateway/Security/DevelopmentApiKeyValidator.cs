using Credits.Gateway.Authentication;
using Microsoft.Extensions.Options;

namespace Credits.Gateway.Security;

/// <summary>
/// The development API key ("credits-dev-key", printed by run.sh, its hash in appsettings.Development.json) is public:
/// outside Development a host that lists it refuses to start, naming the setting, whatever else is configured.
/// </summary>
public sealed class DevelopmentApiKeyValidator(IHostEnvironment environment) : IValidateOptions<ApiKeyOptions>
{
    /// <summary>SHA-256 of "credits-dev-key".</summary>
    public const string DevelopmentKeySha256 = "3817b1addc2d8f93cef79faf4fd8c193ba89ebe4aaa3b0e652ed7a3dd9de28dc";

    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        if (environment.IsDevelopment()) return ValidateOptionsResult.Skip;
        var failures = options.Keys
            .Select((key, i) => (key, i))
            .Where(k => string.Equals(k.key.Sha256, DevelopmentKeySha256, StringComparison.OrdinalIgnoreCase))
            .Select(k => $"ApiKeys:Keys:{k.i}:Sha256 is the hash of the public development key 'credits-dev-key', refused outside " +
                         $"Development (environment '{environment.EnvironmentName}'). Make a key of your own: printf %s \"$KEY\" | sha256sum")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
