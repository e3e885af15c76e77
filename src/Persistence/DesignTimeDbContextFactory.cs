using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Credits.Persistence;

/// <summary>For `dotnet ef migrations add`: no database is contacted to create a migration.</summary>
public class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<CreditsDbContext>
{
    public CreditsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<CreditsDbContext>()
            .UseNpgsql("Host=localhost;Database=credits", o => o.MigrationsHistoryTable("__ef_migrations_history"))
            .Options);
}
