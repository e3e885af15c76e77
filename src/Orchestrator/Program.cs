using Credits.Orchestrator;
using Credits.Persistence;
using Credits.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);

// `Credits.Orchestrator migrate` applies the EF Core migrations and exits: run once per deploy,
// so several instances starting together never race on the schema.
if (args is ["migrate", ..])
{
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
app.MapDefaultHealthEndpoints();
app.Run();
