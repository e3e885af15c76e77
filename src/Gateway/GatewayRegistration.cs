using Credits.Gateway.Apis;
using Credits.Gateway.Authentication;
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
        builder.AddBus(_ => { });
        builder.AddApiKeyAuthentication();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Credits API";
            document.Info.Description = "Credit-based billing on Stripe: balances, usage, plan changes and top-ups.";
            return Task.CompletedTask;
        }));
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOpenApi();                 // /openapi/v1.json
        app.MapScalarApiReference("/docs"); // interactive reference
        app.MapDefaultHealthEndpoints();

        var v1 = app.MapGroup("/v1").RequireAuthorization(ApiKeyRegistration.Policy);
        v1.MapDiagnosticsApiV1();
        return app;
    }
}
