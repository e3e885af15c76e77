using Credits.Gateway.Authentication;
using Credits.Gateway.Console;
using Credits.Gateway.Promotions;
using Credits.ServiceDefaults;
using Microsoft.AspNetCore.Authentication;

namespace Credits.Gateway.Portal;

/// <summary>The customer portal (/portal, portal tokens) and the operator console (/console, API key).</summary>
public static class PortalRegistration
{
    public const string Policy = "PortalToken";

    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<PortalOptions>(PortalOptions.Section);
        builder.Services.AddSingleton<PortalTokens>();
        builder.Services.AddScoped<PortalQueries>();
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, PortalTokenAuthenticationHandler>(PortalTokenAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, p => p.AddAuthenticationSchemes(PortalTokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        builder.AddOperatorConsole();
        return builder;
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        app.MapPortalPages();
        app.MapGroup("/v1").RequireAuthorization(ApiKeyRegistration.Policy).MapPortalSessionApiV1();
        app.MapGroup("/portal/api").RequireAuthorization(Policy).WithTags("Portal (customer)").MapPortalApi().MapPortalCommandsApi().MapPortalInvoicesApi()
            .MapPortalCardsApi().MapPortalLifecycleApi().MapPortalPromotionsApi();
        app.MapGroup("/console/api").RequireAuthorization(ApiKeyRegistration.Policy).WithTags("Console (operators)").MapConsoleApi();
        return app;
    }
}
