using System.ComponentModel.DataAnnotations;

namespace Credits.Billing.Metering;

/// <summary>Section <c>Metering</c>.</summary>
public sealed class OverageMeteringOptions : IValidatableObject
{
    public const string Section = "Metering";

    /// <summary>How often overage is read from the ledger and reported: at most one meter call per customer per interval.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary><see cref="MeterTransport.Stream"/> (v2 meter event stream, 100 events a call) or <see cref="MeterTransport.V1"/>.</summary>
    public MeterTransport Transport { get; set; } = MeterTransport.Stream;

    /// <summary>Customer-period overage rows taken per flush; the rest wait for the next one.</summary>
    public int MaxReportsPerFlush { get; set; } = 5000;

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (FlushInterval < TimeSpan.FromMilliseconds(10) || FlushInterval > TimeSpan.FromHours(1))
            yield return new("Metering:FlushInterval must be between 10 ms and 1 hour", [nameof(FlushInterval)]);
        if (MaxReportsPerFlush is < 1 or > 100_000)
            yield return new("Metering:MaxReportsPerFlush must be between 1 and 100000", [nameof(MaxReportsPerFlush)]);
    }
}

public enum MeterTransport
{
    /// <summary>POST /v2/billing/meter_event_stream with a 15-minute session token.</summary>
    Stream,
    /// <summary>POST /v1/billing/meter_events, one event a call.</summary>
    V1,
}
