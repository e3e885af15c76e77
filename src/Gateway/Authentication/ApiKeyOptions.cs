using System.ComponentModel.DataAnnotations;

namespace Credits.Gateway.Authentication;

/// <summary>
/// The API keys that may call /v1 and /console/api, each with its scopes (<see cref="ApiScopes"/>). Only SHA-256
/// hashes are configured, so a leaked configuration file does not leak a key. Section "ApiKeys"; e.g.
/// ApiKeys__Keys__0__Name=app, ApiKeys__Keys__0__Sha256=..., ApiKeys__Keys__0__Scopes__0=usage:write,
/// ApiKeys__Keys__0__Scopes__1=read. Make a hash with: printf %s "$KEY" | sha256sum
/// A key without scopes is refused at start-up rather than given all of them (docs/security/scopes.md).
/// </summary>
public sealed class ApiKeyOptions : IValidatableObject
{
    public const string Section = "ApiKeys";

    public List<ApiKey> Keys { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Keys.Count == 0)
            yield return new ValidationResult("ApiKeys:Keys must list at least one key (ApiKeys:Keys:0:Name and ApiKeys:Keys:0:Sha256).");
        for (var i = 0; i < Keys.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Keys[i].Name))
                yield return new ValidationResult($"ApiKeys:Keys:{i}:Name is required.");
            if (Keys[i].Sha256 is not { Length: 64 } hash || !hash.All(Uri.IsHexDigit))
                yield return new ValidationResult($"ApiKeys:Keys:{i}:Sha256 must be the 64 hex digits of the key's SHA-256 hash.");
            else if (Keys.Take(i).Any(k => string.Equals(k.Sha256, hash, StringComparison.OrdinalIgnoreCase)))
                yield return new ValidationResult($"ApiKeys:Keys:{i}:Sha256 is the hash of an earlier key: one key, one entry, one set of scopes.");
            if (Keys[i].Scopes is not { Count: > 0 } scopes)
                yield return new ValidationResult($"ApiKeys:Keys:{i}:Scopes must list at least one scope ({string.Join(", ", ApiScopes.All)}): " +
                    "a key without scopes is refused, not given all of them.");
            else
                for (var j = 0; j < scopes.Count; j++)
                    if (!ApiScopes.All.Contains(scopes[j]))
                        yield return new ValidationResult($"ApiKeys:Keys:{i}:Scopes:{j} '{scopes[j]}' is not a scope; scopes are {string.Join(", ", ApiScopes.All)}.");
        }
    }
}

public sealed class ApiKey
{
    /// <summary>Who holds the key; becomes the caller's name in logs and traces.</summary>
    public string Name { get; set; } = "";

    /// <summary>Hex SHA-256 of the key.</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>What the key may do: one or more of <see cref="ApiScopes.All"/>.</summary>
    public List<string> Scopes { get; set; } = [];
}
