using Credits.Billing.Audit;
using Credits.Billing.Catalog;
using Credits.Orchestrator;
using Credits.Persistence;
using Credits.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);

// `Credits.Orchestrator migrate` applies the EF Core migrations and exits: run once per deploy,
// so several instances starting together never race on the schema.
if (args is ["migrate", ..])
{
    builder.AddSecretFiles();
    builder.AddPostgres();
    builder.Services.AddCreditsDbContext();
    using var migrator = builder.Build();
    await using var scope = migrator.Services.CreateAsyncScope();
    await scope.ServiceProvider.GetRequiredService<CreditsDbContext>().Database.MigrateAsync();
    Console.WriteLine("migrations applied");
    return;
}

builder.AddOrchestrator();

var app = builder.Build();

// `Credits.Orchestrator sync-catalog` creates or checks the Stripe products, prices, meter and webhook
// endpoint; exit code 0 in sync, 1 failure, 2 price drift (left alone: raise the plan's PriceVersion).
if (args is [CatalogSyncCommand.Verb, ..])
{
    Environment.ExitCode = await CatalogSyncCommand.RunAsync(app.Services, Console.Out);
    return;
}

// `Credits.Orchestrator audit [--from T] [--to T]` runs the money audit once; exit code 0 clean, 2 differences
// waiting for an operator, 1 failure (docs/audit.md).
if (args is [MoneyAuditCommand.Verb, ..])
{
    Environment.ExitCode = await MoneyAuditCommand.RunAsync(app.Services, args, Console.Out);
    return;
}

app.MapDefaultHealthEndpoints();
await app.RunWithStartupDeadlineAsync();
