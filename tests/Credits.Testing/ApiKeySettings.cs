using System.Security.Cryptography;
using System.Text;

namespace Credits.Testing;

/// <summary>The Gateway's API key settings for a test host's environment: ApiKeys__Keys__N__Name, __Sha256 and __Scopes__M.</summary>
public static class ApiKeySettings
{
    /// <summary>Every scope a key can hold (docs/security/scopes.md): what a harness key needs to call everything.</summary>
    public static readonly string[] AllScopes = ["usage:write", "read", "admin", "operator"];

    public static Dictionary<string, string> WithApiKey(this Dictionary<string, string> environment, int index, string name, string key,
        params string[] scopes)
    {
        environment[$"ApiKeys__Keys__{index}__Name"] = name;
        environment[$"ApiKeys__Keys__{index}__Sha256"] = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        for (var i = 0; i < scopes.Length; i++) environment[$"ApiKeys__Keys__{index}__Scopes__{i}"] = scopes[i];
        return environment;
    }
}
