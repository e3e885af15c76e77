using System.Globalization;
using System.Text;
using Credits.Ledger.Queries;

namespace Credits.Gateway.Balances;

/// <summary>
/// Ledger entries as CSV (RFC 4180: comma-separated, CRLF, fields with a comma, quote or line break quoted), one line
/// per entry, with the pricing of priced usage. Text that came from callers (event ids in keys, features) is written so
/// that a spreadsheet cannot take it for a formula: a field starting with =, +, -, @, tab or carriage return gets a
/// leading apostrophe (OWASP, "CSV Injection").
/// </summary>
static class LedgerCsv
{
    public const string Header =
        "id,recorded_at,occurred_at,period_start,kind,amount,held_change,quantity,grant_id,reservation_id,idempotency_key,sequence," +
        "note,rate_card_version,native_quantity,unit,credits_per_unit";

    public static string Line(LedgerEntryView e)
    {
        var line = new StringBuilder(256);
        Append(line, e.Id.ToString(CultureInfo.InvariantCulture));
        Append(line, e.RecordedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Append(line, e.OccurredAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Append(line, e.PeriodStart.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Append(line, e.Kind.ToString());
        Append(line, e.Amount.ToString(CultureInfo.InvariantCulture));
        Append(line, e.HeldChange.ToString(CultureInfo.InvariantCulture));
        Append(line, e.Quantity.ToString(CultureInfo.InvariantCulture));
        Append(line, e.GrantId?.ToString());
        Append(line, e.ReservationId?.ToString());
        Append(line, Text(e.IdempotencyKey));
        Append(line, e.Sequence.ToString(CultureInfo.InvariantCulture));
        Append(line, Text(e.Note));
        Append(line, e.Pricing?.RateCardVersion.ToString(CultureInfo.InvariantCulture));
        Append(line, e.Pricing?.Quantity.ToString(CultureInfo.InvariantCulture));
        Append(line, Text(e.Pricing?.Unit));
        Append(line, e.Pricing?.CreditsPerUnit.ToString(CultureInfo.InvariantCulture), last: true);
        return line.ToString();
    }

    static string? Text(string? value) =>
        value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;

    static void Append(StringBuilder line, string? value, bool last = false)
    {
        if (value is not null && value.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            line.Append('"').Append(value.Replace("\"", "\"\"")).Append('"');
        else
            line.Append(value);
        line.Append(last ? "\r\n" : ",");
    }
}
