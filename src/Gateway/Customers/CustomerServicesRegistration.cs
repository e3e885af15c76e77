using Credits.Gateway.Operations;

namespace Credits.Gateway.Customers;

public static class CustomerServicesRegistration
{
    /// <summary>The customer commands and queries, per request scope (they share its CreditsDbContext and bus outbox).</summary>
    public static IServiceCollection AddCustomerServices(this IServiceCollection services)
    {
        services.AddScoped<CustomerQueries>();
        services.AddScoped<CustomerCommands>();
        services.AddScoped<OperationQueries>();
        services.AddScoped<SpendCaps.SpendCapCommands>();
        return services;
    }
}
