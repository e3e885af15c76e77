using Microsoft.EntityFrameworkCore;

namespace Credits.Messaging.TestHost;

/// <summary>A consumer's own table, the outbox tables, and the downstream delivery counter, in one database.</summary>
public sealed class OutboxTestDbContext(DbContextOptions<OutboxTestDbContext> options) : DbContext(options)
{
    public DbSet<ProbeRow> Probes => Set<ProbeRow>();
    public DbSet<CountedDelivery> Deliveries => Set<CountedDelivery>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddTransactionalOutbox();
        modelBuilder.Entity<ProbeRow>(probe =>
        {
            probe.ToTable("probe");
            probe.HasKey(x => x.ProbeId);
            probe.Property(x => x.ProbeId).HasColumnName("probe_id");
            probe.Property(x => x.Consumptions).HasColumnName("consumptions");
        });
        modelBuilder.Entity<CountedDelivery>(delivery =>
        {
            delivery.ToTable("counted_delivery");
            delivery.HasKey(x => x.MessageId);
            delivery.Property(x => x.MessageId).HasColumnName("message_id");
            delivery.Property(x => x.ProbeId).HasColumnName("probe_id");
            delivery.Property(x => x.Deliveries).HasColumnName("deliveries");
        });
    }
}

/// <summary>The state a probe consumer changes: Consumptions above 1 means a duplicate got through.</summary>
public sealed class ProbeRow
{
    public Guid ProbeId { get; set; }
    public int Consumptions { get; set; }
}

/// <summary>How often the downstream consumer saw one MessageId: above 1 means the relay sent it twice.</summary>
public sealed class CountedDelivery
{
    public Guid MessageId { get; set; }
    public Guid ProbeId { get; set; }
    public int Deliveries { get; set; }
}
