using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Credits.Ledger.Archive;

/// <summary>
/// How an archived chunk holds its entries: CSV as PostgreSQL's <c>COPY ... (FORMAT csv, HEADER)</c> reads it, with
/// <see cref="Columns"/> in that order, then gzipped. Every column of <c>ledger_entries</c> is there except
/// <c>key_hash</c>, which PostgreSQL computes from the key. Text is always quoted (so that an empty note is not read
/// as NULL), timestamps are UTC with microseconds, numbers are invariant. An archive can therefore be inspected with
/// nothing but <c>gunzip</c>, and restored with psql's <c>\copy ... FROM ... (FORMAT csv, HEADER)</c> into a table of
/// these columns (docs/ledger-archive.md).
/// </summary>
public static class ArchiveFormat
{
    /// <summary>The CSV's header, and the column list of every statement that reads or loads archived entries.</summary>
    public const string Columns =
        "id,customer_id,kind,amount,held_change,quantity,grant_id,reservation_id,idempotency_key,sequence,fingerprint," +
        "period_start,occurred_at,recorded_at,note,rate_id,native_quantity,member_ref";

    // Ordinals of the columns the archiver reads back while it writes a row, and the cold tier reads from a chunk.
    public const int Id = 0, CustomerId = 1, Kind = 2, Amount = 3, HeldChange = 4, Quantity = 5, GrantId = 6, ReservationId = 7,
        IdempotencyKey = 8, Sequence = 9, Fingerprint = 10, PeriodStart = 11, OccurredAt = 12, RecordedAt = 13, Note = 14, RateId = 15,
        NativeQuantity = 16, MemberRef = 17;

    /// <summary>How timestamps are written: UTC, with microseconds, as PostgreSQL reads them.</summary>
    public const string TimestampFormat = "yyyy-MM-dd HH:mm:ss.ffffff'+00'";

    static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static StreamWriter CreateWriter(Stream csv)
    {
        var writer = new StreamWriter(csv, Utf8, leaveOpen: true) { NewLine = "\n" };
        writer.WriteLine(Columns);
        return writer;
    }

    /// <summary>Writes the reader's current row (selected with <see cref="Columns"/>) as one CSV line.</summary>
    public static void WriteRow(TextWriter w, NpgsqlDataReader row)
    {
        for (var i = 0; i < row.FieldCount; i++)
        {
            if (i > 0) w.Write(',');
            if (row.IsDBNull(i)) continue;
            switch (row.GetValue(i))
            {
                case string s: w.Write('"'); w.Write(s.Replace("\"", "\"\"")); w.Write('"'); break;
                case DateTime t: w.Write(t.ToUniversalTime().ToString(TimestampFormat, CultureInfo.InvariantCulture)); break;
                case IFormattable f: w.Write(f.ToString(null, CultureInfo.InvariantCulture)); break;
                case var other: throw new InvalidOperationException($"The archive cannot write a column of type {other.GetType().Name}.");
            }
        }
        w.WriteLine();
    }

    /// <summary>
    /// The rows of a chunk's CSV (after its header), each field as its text, or null for NULL (an empty field not in
    /// quotes: <see cref="WriteRow"/> always quotes text). For the rare lookups that need a few entries back in C#; the
    /// checks read chunks through PostgreSQL's own reader.
    /// </summary>
    public static IEnumerable<string?[]> ReadRows(byte[] csv)
    {
        var text = Utf8.GetString(csv);
        var fields = new List<string?>(Columns.Count(c => c == ',') + 1);
        var position = text.IndexOf('\n') + 1;
        var field = new StringBuilder();
        while (position < text.Length)
        {
            fields.Clear();
            while (true)
            {
                if (text[position] == '"')
                {
                    field.Clear();
                    position++;
                    while (true)
                    {
                        var quote = text.IndexOf('"', position);
                        field.Append(text, position, quote - position);
                        position = quote + 1;
                        if (position < text.Length && text[position] == '"') { field.Append('"'); position++; }
                        else break;
                    }
                    fields.Add(field.ToString());
                }
                else
                {
                    var end = position + text.AsSpan(position).IndexOfAny(',', '\n');
                    fields.Add(end == position ? null : text[position..end]);
                    position = end;
                }
                if (text[position++] == '\n') break;
            }
            yield return [.. fields];
        }
    }

    public static byte[] Compress(ReadOnlySpan<byte> csv)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(csv);
        return output.ToArray();
    }

    public static byte[] Decompress(byte[] content)
    {
        using var gzip = new GZipStream(new MemoryStream(content), CompressionMode.Decompress);
        using var csv = new MemoryStream();
        gzip.CopyTo(csv);
        return csv.ToArray();
    }

    public static byte[] Sha256(ReadOnlySpan<byte> csv) => SHA256.HashData(csv);
}
