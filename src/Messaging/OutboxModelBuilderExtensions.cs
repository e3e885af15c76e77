using Credits.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;

namespace Credits.Messaging;

public static class OutboxModelBuilderExtensions
{
    /// <summary>
    /// Maps the inbox and outbox tables (inbox_state, outbox_state, outbox_message) into a DbContext, with
    /// explicit snake_case names and PostgreSQL types, so they migrate with the application's own tables
    /// and commit in the same transaction.
    /// </summary>
    public static ModelBuilder AddTransactionalOutbox(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<InboxState>(inbox =>
        {
            inbox.ToTable("inbox_state");
            inbox.HasKey(x => new { x.MessageId, x.ConsumerId });
            inbox.Property(x => x.MessageId).HasColumnName("message_id").HasColumnType("uuid");
            inbox.Property(x => x.ConsumerId).HasColumnName("consumer_id").HasColumnType("uuid");
            inbox.Property(x => x.Received).HasColumnName("received").HasColumnType("timestamp with time zone");
            inbox.Property(x => x.ReceiveCount).HasColumnName("receive_count").HasColumnType("integer");
            // The cleanup service deletes by age.
            inbox.HasIndex(x => x.Received).HasDatabaseName("ix_inbox_state_received");
        });

        modelBuilder.Entity<OutboxState>(state =>
        {
            state.ToTable("outbox_state");
            state.HasKey(x => x.OutboxId);
            state.Property(x => x.OutboxId).HasColumnName("outbox_id").HasColumnType("uuid").ValueGeneratedNever();
            state.Property(x => x.Created).HasColumnName("created").HasColumnType("timestamp with time zone");
            state.Property(x => x.RelayAfter).HasColumnName("relay_after").HasColumnType("timestamp with time zone");
            // The relay takes the units that are due, oldest first.
            state.HasIndex(x => x.RelayAfter).HasDatabaseName("ix_outbox_state_relay_after");
        });

        modelBuilder.Entity<OutboxMessage>(message =>
        {
            message.ToTable("outbox_message");
            message.HasKey(x => x.SequenceNumber);
            message.Property(x => x.SequenceNumber).HasColumnName("sequence_number").HasColumnType("bigint")
                .UseIdentityAlwaysColumn();
            message.Property(x => x.OutboxId).HasColumnName("outbox_id").HasColumnType("uuid");
            message.Property(x => x.InboxMessageId).HasColumnName("inbox_message_id").HasColumnType("uuid");
            message.Property(x => x.InboxConsumerId).HasColumnName("inbox_consumer_id").HasColumnType("uuid");
            message.Property(x => x.MessageId).HasColumnName("message_id").HasColumnType("uuid");
            message.Property(x => x.ContentType).HasColumnName("content_type").HasColumnType("text");
            message.Property(x => x.MessageType).HasColumnName("message_type").HasColumnType("text");
            message.Property(x => x.Body).HasColumnName("body").HasColumnType("text");
            message.Property(x => x.Headers).HasColumnName("headers").HasColumnType("jsonb");
            message.Property(x => x.Properties).HasColumnName("properties").HasColumnType("jsonb");
            message.Property(x => x.ConversationId).HasColumnName("conversation_id").HasColumnType("uuid");
            message.Property(x => x.CorrelationId).HasColumnName("correlation_id").HasColumnType("uuid");
            message.Property(x => x.InitiatorId).HasColumnName("initiator_id").HasColumnType("uuid");
            message.Property(x => x.RequestId).HasColumnName("request_id").HasColumnType("uuid");
            message.Property(x => x.SourceAddress).HasColumnName("source_address").HasColumnType("text");
            message.Property(x => x.DestinationAddress).HasColumnName("destination_address").HasColumnType("text");
            message.Property(x => x.ResponseAddress).HasColumnName("response_address").HasColumnType("text");
            message.Property(x => x.FaultAddress).HasColumnName("fault_address").HasColumnType("text");
            message.Property(x => x.SentTime).HasColumnName("sent_time").HasColumnType("timestamp with time zone");
            message.Property(x => x.ExpirationTime).HasColumnName("expiration_time").HasColumnType("timestamp with time zone");
            // The relay reads one unit's messages in sequence order.
            message.HasIndex(x => new { x.OutboxId, x.SequenceNumber }).HasDatabaseName("ix_outbox_message_outbox_id_sequence_number");
        });

        return modelBuilder;
    }
}
