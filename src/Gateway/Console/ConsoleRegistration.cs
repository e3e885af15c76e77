using Credits.ServiceDefaults;

namespace Credits.Gateway.Console;

public static class ConsoleRegistration
{
    public static WebApplicationBuilder AddOperatorConsole(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<ConsoleOptions>(ConsoleOptions.Section);
        builder.Services.AddScoped<ConsoleQueries>();
        builder.Services.AddSingleton<DeadLetterQueues>();
        builder.Services.AddSingleton<DeadLetterRedrive>();
        builder.Services.AddScoped<SagaRetries>();
        return builder;
    }
}
