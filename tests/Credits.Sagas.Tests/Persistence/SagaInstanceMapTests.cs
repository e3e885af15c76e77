using Credits.Sagas.StateMachines;
using Microsoft.EntityFrameworkCore;

namespace Credits.Sagas.Tests.Persistence;

public class When_the_saga_maps_are_applied_to_a_postgres_model
{
    private sealed class MapsOnly(DbContextOptions<MapsOnly> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder) =>
            modelBuilder.ApplyConfigurationsFromAssembly(typeof(SagasAssembly).Assembly);
    }

    [Theory]
    [InlineData(typeof(CustomerLifecycleState), "customer_lifecycle_saga")]
    [InlineData(typeof(PlanChangeState), "plan_change_saga")]
    [InlineData(typeof(TopUpState), "top_up_saga")]
    [InlineData(typeof(AutoTopUpState), "auto_top_up_saga")]
    public void Should_map_every_property_to_a_snake_case_column_keyed_by_correlation_id(Type instance, string table)
    {
        // Building the model runs EF's validation (types, keys, the xmin concurrency token) without a database.
        using var db = new MapsOnly(new DbContextOptionsBuilder<MapsOnly>().UseNpgsql("Host=unused").Options);
        var entity = db.Model.FindEntityType(instance)!;

        Assert.Equal(table, entity.GetTableName());
        Assert.Equal("correlation_id", entity.FindPrimaryKey()!.Properties.Single().GetColumnName());
        Assert.All(entity.GetProperties(), p => Assert.Matches("^[a-z_]+$", p.GetColumnName()));
        Assert.Equal(instance.GetProperties().Length + 1, entity.GetProperties().Count()); // + the xmin shadow property
    }
}
