using System.Globalization;
using Credits.Ledger.Model;

namespace Credits.Ledger.Archive;

/// <summary>
/// One entry as an archived chunk holds it (<see cref="ArchiveFormat.Columns"/>), typed: the one place a CSV row of the
/// archive becomes values, for every reader of archived entries (the cold tier's duplicate check, the history, the usage
/// breakdown).
/// </summary>
sealed record ArchivedEntry(
    long Id, string CustomerId, EntryKind Kind, long Amount, long HeldChange, long Quantity, Guid? GrantId, Guid? ReservationId,
    string IdempotencyKey, int Sequence, long? Fingerprint, DateTimeOffset PeriodStart, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt,
    string? Note, int? RateId, decimal? NativeQuantity, int? MemberRef)
{
    /// <summary>A row of <see cref="ArchiveFormat.ReadRows"/>: numbers invariant, timestamps UTC as written, null for NULL.</summary>
    public static ArchivedEntry From(string?[] row) => new(
        Long(row[ArchiveFormat.Id]), row[ArchiveFormat.CustomerId]!, Enum.Parse<EntryKind>(row[ArchiveFormat.Kind]!),
        Long(row[ArchiveFormat.Amount]), Long(row[ArchiveFormat.HeldChange]), Long(row[ArchiveFormat.Quantity]),
        row[ArchiveFormat.GrantId] is { } grant ? Guid.Parse(grant) : null,
        row[ArchiveFormat.ReservationId] is { } reservation ? Guid.Parse(reservation) : null,
        row[ArchiveFormat.IdempotencyKey]!, int.Parse(row[ArchiveFormat.Sequence]!, CultureInfo.InvariantCulture),
        row[ArchiveFormat.Fingerprint] is { } fingerprint ? Long(fingerprint) : null,
        Time(row[ArchiveFormat.PeriodStart]!), Time(row[ArchiveFormat.OccurredAt]!), Time(row[ArchiveFormat.RecordedAt]!),
        row[ArchiveFormat.Note],
        row[ArchiveFormat.RateId] is { } rate ? int.Parse(rate, CultureInfo.InvariantCulture) : null,
        row[ArchiveFormat.NativeQuantity] is { } native ? decimal.Parse(native, CultureInfo.InvariantCulture) : null,
        row[ArchiveFormat.MemberRef] is { } member ? int.Parse(member, CultureInfo.InvariantCulture) : null);

    static long Long(string? text) => long.Parse(text!, CultureInfo.InvariantCulture);

    /// <summary>A timestamp as <see cref="ArchiveFormat.WriteRow"/> writes it: UTC with microseconds.</summary>
    static DateTimeOffset Time(string text) =>
        new(DateTime.ParseExact(text, ArchiveFormat.TimestampFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal), TimeSpan.Zero);
}
