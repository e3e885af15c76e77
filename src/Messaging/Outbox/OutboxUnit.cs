namespace Credits.Messaging.Outbox;

/// <summary>One outbox unit as its writer captured it: the state row and its messages in the order they were sent.</summary>
sealed record OutboxUnit(OutboxState State, List<OutboxMessage> Messages);
