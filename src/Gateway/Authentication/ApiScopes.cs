using Microsoft.AspNetCore.OpenApi;

namespace Credits.Gateway.Authentication;

/// <summary>
/// What an API key may do: the scopes of <c>ApiKeys:Keys:N:Scopes</c>. Every endpoint behind an API key names the
/// scope it needs with <see cref="RequireScope{TBuilder}"/>; the API key policy refuses a key without it (403 naming
/// the scope), and refuses every key on an endpoint that names none, so a forgotten endpoint fails closed.
/// docs/security/scopes.md lists which endpoint needs which.
/// </summary>
public static class ApiScopes
{
    /// <summary>Producers: record usage (POST /v1/usage) and reserve, settle and release credits.</summary>
    public const string UsageWrite = "usage:write";

    /// <summary>Reads: balances, ledger, entitlement, the balance stream, customers, operations, auto top-up.</summary>
    public const string Read = "read";

    /// <summary>Changes to customers and money: register, change plan, buy credits, auto top-up, portal sessions.</summary>
    public const string Admin = "admin";

    /// <summary>The operator console's API (/console/api) and the diagnostics round trip; never an app's key.</summary>
    public const string Operator = "operator";

    public static readonly IReadOnlyList<string> All = [UsageWrite, Read, Admin, Operator];

    /// <summary>The claim that carries each of the caller's scopes.</summary>
    public const string ClaimType = "scope";

    /// <summary>The API key on this endpoint (or every endpoint of this group) must hold <paramref name="scope"/>.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder
    {
        if (!All.Contains(scope)) throw new ArgumentException($"'{scope}' is not a scope.", nameof(scope));
        return builder.WithMetadata(new RequiredScope(scope));
    }

    /// <summary>OpenAPI: says in each operation's description which scope its key needs.</summary>
    public static Task DescribeRequiredScope(Microsoft.OpenApi.OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        var scopes = context.Description.ActionDescriptor.EndpointMetadata.OfType<RequiredScope>().Select(s => $"`{s.Scope}`").Distinct().ToList();
        if (scopes.Count > 0)
            operation.Description = (operation.Description is { Length: > 0 } d ? d + "\n\n" : "") +
                $"API key scope: {string.Join(", ", scopes)}.";
        return Task.CompletedTask;
    }
}

/// <summary>Endpoint metadata: the API key scope the endpoint needs.</summary>
public sealed record RequiredScope(string Scope);
