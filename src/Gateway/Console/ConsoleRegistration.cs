using Credits.Billing.Audit;
using Credits.ServiceDefaults;

namespace Credits.Gateway.Console;

public static class ConsoleRegistration
{
    public static WebApplicationBuilder AddOperatorConsole(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<ConsoleOptions>(ConsoleOptions.Section);
        builder.Services.AddScoped<ConsoleQueries>();
        builder.Services.AddSingleton<DeadLetterQueues>();
        // Operator actions: a run asked for on the console covers the schedule's lookback unless told otherwise.
        builder.AddValidatedOptions<MoneyAuditOptions>(MoneyAuditOptions.Section);
        builder.Services.AddScoped<CreditAdjustments>();
        builder.Services.AddScoped<AuditActions>();
        builder.Services.AddScoped<AuditQueries>();
        builder.Services.AddScoped<CustomerPageQuery>();
        builder.Services.AddSingleton<DeadLetterRedrive>();
        builder.Services.AddScoped<SagaRetries>();
        return builder;
    }
}
