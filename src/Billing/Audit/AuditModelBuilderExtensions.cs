using Microsoft.EntityFrameworkCore;

namespace Credits.Billing.Audit;

public static class AuditModelBuilderExtensions
{
    /// <summary>The money audit's tables: audit_runs and audit_differences (one row per difference, by fingerprint).</summary>
    public static ModelBuilder AddMoneyAudit(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AuditRun>(b =>
        {
            b.ToTable("audit_runs");
            b.HasKey(x => x.Id);
            b.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
            b.Property(x => x.RequestedBy).HasColumnName("requested_by").HasMaxLength(200).IsRequired();
            b.Property(x => x.WindowStart).HasColumnName("window_start");
            b.Property(x => x.WindowEnd).HasColumnName("window_end");
            b.Property(x => x.Status).HasColumnName("status").HasMaxLength(16).IsRequired();
            b.Property(x => x.RequestedAt).HasColumnName("requested_at");
            b.Property(x => x.StartedAt).HasColumnName("started_at");
            b.Property(x => x.FinishedAt).HasColumnName("finished_at");
            b.Property(x => x.Found).HasColumnName("found");
            b.Property(x => x.New).HasColumnName("new");
            b.Property(x => x.Repaired).HasColumnName("repaired");
            b.Property(x => x.Cleared).HasColumnName("cleared");
            b.Property(x => x.Error).HasColumnName("error");
            b.HasIndex(x => x.RequestedAt).HasDatabaseName("ix_audit_runs_requested_at");
        });
        modelBuilder.Entity<AuditDifference>(b =>
        {
            b.ToTable("audit_differences");
            b.HasKey(x => x.Id);
            b.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
            b.Property(x => x.Fingerprint).HasColumnName("fingerprint").IsRequired();
            b.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(64).IsRequired();
            b.Property(x => x.Subject).HasColumnName("subject").IsRequired();
            b.Property(x => x.CustomerId).HasColumnName("customer_id").IsRequired();
            b.Property(x => x.StripeCustomerId).HasColumnName("stripe_customer_id");
            b.Property(x => x.Expected).HasColumnName("expected").IsRequired();
            b.Property(x => x.Actual).HasColumnName("actual").IsRequired();
            b.Property(x => x.OccurredAt).HasColumnName("occurred_at");
            b.Property(x => x.Evidence).HasColumnName("evidence").HasColumnType("jsonb").IsRequired();
            b.Property(x => x.Status).HasColumnName("status").HasMaxLength(16).IsRequired();
            b.Property(x => x.Repair).HasColumnName("repair");
            b.Property(x => x.RepairedAt).HasColumnName("repaired_at");
            b.Property(x => x.ResolvedBy).HasColumnName("resolved_by");
            b.Property(x => x.Resolution).HasColumnName("resolution");
            b.Property(x => x.ResolvedAt).HasColumnName("resolved_at");
            b.Property(x => x.FirstRunId).HasColumnName("first_run_id");
            b.Property(x => x.FoundAt).HasColumnName("found_at");
            b.Property(x => x.LastSeenAt).HasColumnName("last_seen_at");
            // Stored once: two runs (or two instances) finding the same difference meet on this index.
            b.HasIndex(x => x.Fingerprint).IsUnique().HasDatabaseName("ux_audit_differences_fingerprint");
            b.HasIndex(x => new { x.CustomerId, x.FoundAt }).HasDatabaseName("ix_audit_differences_customer_id_found_at");
            // The console lists what needs an operator; the run clears by kind and time.
            b.HasIndex(x => new { x.Status, x.FoundAt }).HasDatabaseName("ix_audit_differences_status_found_at");
        });
        return modelBuilder;
    }
}
