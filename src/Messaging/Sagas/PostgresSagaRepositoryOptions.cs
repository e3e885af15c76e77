namespace Credits.Messaging.Sagas;

/// <summary>Settings of the PostgreSQL saga repository, shared by every saga registered on the bus.</summary>
public sealed class PostgresSagaRepositoryOptions
{
    public SagaConcurrencyMode ConcurrencyMode { get; set; } = SagaConcurrencyMode.Pessimistic;
}
