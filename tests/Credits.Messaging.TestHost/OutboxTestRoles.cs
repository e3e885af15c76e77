namespace Credits.Messaging.TestHost;

/// <summary>What a test host runs besides the outbox itself.</summary>
[Flags]
public enum OutboxTestRoles
{
    /// <summary>Only the outbox services: a pure relay when delivery is on.</summary>
    None = 0,
    /// <summary><see cref="ProbeConsumer"/> on queue outbox-probe, behind the inbox and outbox.</summary>
    Probe = 1,
    /// <summary><see cref="FailingProbeConsumer"/> on queue outbox-failing-probe, behind the inbox and outbox.</summary>
    FailingProbe = 2,
    /// <summary><see cref="DeliveryCounter"/> on queue delivery-counter, with no inbox.</summary>
    Counter = 4,
    /// <summary>The probes are <see cref="OnCommitProbeConsumer"/> and <see cref="OnCommitFailingProbeConsumer"/>: same queues, inbox claimed on commit.</summary>
    ClaimOnCommit = 8,
    /// <summary>The probe is <see cref="UnsavedProbeConsumer"/>: its row is written by the outbox's last save, with the outbox's rows.</summary>
    SavedByOutbox = 16,
}
