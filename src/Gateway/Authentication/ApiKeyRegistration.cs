using Credits.ServiceDefaults;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace Credits.Gateway.Authentication;

public static class ApiKeyRegistration
{
    public const string Policy = "ApiKey";

    public static WebApplicationBuilder AddApiKeyAuthentication(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<ApiKeyOptions>(ApiKeyOptions.Section);
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        // One policy for every API key endpoint: a known key, holding the scope the endpoint names (ApiScopes).
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser()
                .AddRequirements(new ScopeRequirement()));
        builder.Services.AddSingleton<IAuthorizationHandler, ScopeRequirementHandler>();
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, ScopeForbiddenResultHandler>();
        return builder;
    }
}
