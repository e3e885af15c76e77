using Credits.Billing.Webhooks;
using Credits.Billing;
using Credits.Gateway.Apis;
using Credits.Gateway.Authentication;
using Credits.Gateway.Balances;
using Credits.Gateway.Billing;
using Credits.Gateway.Cards;
using Credits.Gateway.Customers;
using Credits.Gateway.Operations;
using Credits.Gateway.Portal;
using Credits.Gateway.SpendCaps;
using Credits.Gateway.Problems;
using Credits.Gateway.Promotions;
using Credits.Gateway.RateLimits;
using Credits.Gateway.Security;
using Credits.Gateway.TopUps;
using Credits.Gateway.Usage;
using Credits.Gateway.WebhookEndpoints;
using Credits.Ledger.Usage;
using Credits.Ledger;
using Credits.Messaging.Jobs;
using Credits.Persistence;
using Credits.ServiceDefaults;
using Scalar.AspNetCore;

namespace Credits.Gateway;

static class GatewayRegistration
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults("Credits.Gateway");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddCreditsDbContext();
        builder.Services.AddCreditLedger<CreditsDbContext>(builder.Configuration);
        builder.Services.AddHostedService<RateCardStartup>();
        builder.Services.AddStripeBilling(builder.Configuration);
        builder.Services.AddScoped<UsageIngestion>();
        builder.Services.AddCustomerServices();
        builder.Services.AddScoped<PromotionRedemptions>();
        builder.Services.AddScoped<PromotionCodes>();
        builder.AddValidatedOptions<WebhookEndpointOptions>(WebhookEndpointOptions.Section);
        builder.Services.AddScoped<InvoiceQueries>(); // reads Stripe through StripeCalls (AddStripeBilling)
        builder.AddValidatedOptions<Credits.Sagas.StateMachines.AutoTopUpOptions>(Credits.Sagas.StateMachines.AutoTopUpOptions.Section);
        builder.Services.AddSingleton<BalanceChangeListener>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BalanceChangeListener>());
        builder.AddBus(x => x.AddCreditsMessaging());
        // The inbox cleanup is this host's periodic job: degraded, not unhealthy, while it keeps failing.
        builder.Services.AddHealthChecks().AddCheck<PeriodicJobsHealthCheck>("periodic-jobs", tags: [HealthEndpoints.Ready]);
        builder.AddApiKeyAuthentication();
        builder.RefuseDevelopmentSecretsOutsideDevelopment();
        builder.Services.AddProblemDetails();
        // Bad requests reach one handler in every environment (Development throws them by default).
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<TransientOutageExceptionHandler>();
        builder.AddPortal();
        builder.AddCreditsRateLimits();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Credits API";
            document.Info.Description = "Credit-based billing on Stripe: balances, usage, plan changes and top-ups.";
            return Task.CompletedTask;
        }).AddOperationTransformer(ApiScopes.DescribeRequiredScope));
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter(); // after authentication: limits count per customer, and only authorized requests

        app.MapOpenApi();                   // /openapi/v1.json
        app.MapScalarApiReference("/docs"); // interactive reference
        app.MapDefaultHealthEndpoints();
        app.MapStripeWebhooks<CreditsDbContext>(); // anonymous: Stripe signs its requests instead

        var v1 = app.MapGroup("/v1").RequireAuthorization(ApiKeyRegistration.Policy).AddEndpointFilter<CustomerIdFilter>();
        v1.MapDiagnosticsApiV1();
        v1.MapUsageApiV1();
        v1.MapRateCardApiV1();
        v1.MapBalanceApiV1();
        v1.MapUsageInsightApiV1();
        v1.MapMembersApiV1();
        v1.MapReservationApiV1();
        v1.MapCustomersApiV1();
        v1.MapCancellationApiV1();
        v1.MapOperationsApiV1();
        v1.MapTopUpsApiV1();
        v1.MapSpendCapApiV1();
        v1.MapInvoicesApiV1();
        v1.MapCardsApiV1();
        v1.MapPromotionsApiV1();
        v1.MapWebhookEndpointsApiV1();
        app.MapPortal();
        return app;
    }
}
