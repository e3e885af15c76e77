using Credits.Messaging.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace Credits.Messaging;

public static class ScheduledMessageModelExtensions
{
    /// <summary>
    /// Maps the <c>scheduled_message</c> table of the PostgreSQL message scheduler into the app's DbContext (call
    /// from <c>OnModelCreating</c>; the app's migrations create it). Column names are fixed because the scheduler
    /// reads and writes them with SQL of its own (<c>FOR UPDATE SKIP LOCKED</c>).
    /// </summary>
    public static ModelBuilder AddScheduledMessages(this ModelBuilder modelBuilder, string? schema = null)
    {
        modelBuilder.Entity<ScheduledMessageRecord>(entity =>
        {
            entity.ToTable(ScheduledMessageTable.DefaultName, schema);
            entity.HasKey(x => x.TokenId);
            entity.Property(x => x.TokenId).HasColumnName("token_id").ValueGeneratedNever();
            entity.Property(x => x.DueTime).HasColumnName("due_time");
            entity.Property(x => x.DestinationAddress).HasColumnName("destination_address");
            entity.Property(x => x.MessageId).HasColumnName("message_id");
            entity.Property(x => x.ContentType).HasColumnName("content_type");
            entity.Property(x => x.MessageType).HasColumnName("message_type");
            entity.Property(x => x.Body).HasColumnName("body");
            entity.Property(x => x.CreatedAt).HasColumnName("created_at");
            entity.HasIndex(x => x.DueTime);
        });
        return modelBuilder;
    }
}
