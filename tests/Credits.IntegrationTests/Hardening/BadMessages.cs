using System.Text.Json;
using Credits.Ledger;
using CsCheck;

namespace Credits.IntegrationTests.Hardening;

/// <summary>
/// One generated bad message: what is wrong with it, its raw body (MARKER stands for a unique text of the run, ID
/// for its message id, as @@ID@@) and the field its dead letter's reason must name (null: any reason).
/// </summary>
public sealed record BadMessage(string Description, string Body, string? Mentions)
{
    public string Render(Guid id, string marker) => Body.Replace("MARKER", marker).Replace("@@ID@@", id.ToString());
    public override string ToString() => Description;
}

/// <summary>A field of a message: a good value (JSON text) and the values a buggy producer sends instead.</summary>
public sealed record FieldRule(string Name, string Good, string[] Bad);

/// <summary>
/// Generated bad messages for an app-facing message type: the good message with one field made bad (a wrong type, a
/// null, missing, a NUL or control character, too long, out of range), or a body that is not a message at all.
/// </summary>
public static class BadMessages
{
    public const string Missing = "<missing>";

    public static string J(string text) => JsonSerializer.Serialize(text);

    public static string Object(IEnumerable<(string Name, string Json)> fields) =>
        "{" + string.Join(",", fields.Where(f => f.Json != Missing).Select(f => $"{J(f.Name)}:{f.Json}")) + "}";

    public static string Good(IReadOnlyList<FieldRule> fields) => Object(fields.Select(f => (f.Name, f.Good)));

    static readonly string[] NotAString = ["42", "{}", "[]", "true"];
    static string[] TextFaults(int max) => [J("a\0b"), J("a\u0007b"), J("a\u009fb"), J(new string('x', max + 1)), .. NotAString];

    /// <summary>An optional text: null and missing are fine, the rest is not.</summary>
    public static string[] OptionalText(int max) => TextFaults(max);
    public static string[] RequiredText(int max) => [.. TextFaults(max), "null", J(""), J("   "), Missing];
    public static string[] CustomerId => [.. RequiredText(LedgerLimits.MaxCustomerIdLength), J("a b"), J("a/b")];
    public static string[] NotALong => ["1.5", "1e30", "9223372036854775808", J("abc"), "{}", "null", "true"];
    public static string[] CreditsFaults => [.. NotALong, "0", "-1", $"{LedgerLimits.MaxCredits + 1}", $"{long.MaxValue}", Missing];
    public static string[] Amount => [.. NotALong, "0", "-5", "100000000", Missing];
    public static string[] NotAGuid => [J("not-a-guid"), "42", "{}", "null", "true"];
    public static string[] RequiredGuid => [.. NotAGuid, J(Guid.Empty.ToString()), Missing];
    public static string[] NotABool => [J("yes"), "2", "null", "{}"];
    public static string[] NotADate => [J("yesterday"), "42", "{}", "null", "true"];
    public static string[] Currency => [J(""), J("US"), J("usdollars"), J("u\0d"), "42", "null"];

    /// <summary>Bodies that are not the message at all, whatever the type.</summary>
    static BadMessage[] NotAMessage<T>(string goodMessage) =>
    [
        new("a body that is not JSON", "this is not json MARKER", null),
        new("an empty body", "", null),
        new("a JSON array", "[1,2,3]", null),
        new("an envelope whose message is null", RawBus.Envelope<T>("@@ID@@", "null"), null),
        new("an envelope whose message is a string", RawBus.Envelope<T>("@@ID@@", J("MARKER")), null),
        new("an envelope whose message is an array", RawBus.Envelope<T>("@@ID@@", "[]"), null),
        new("an envelope without a message", RawBus.Envelope<T>("@@ID@@", "0").Replace(",\"message\":0", ""), null),
    ];

    /// <summary>The good message with one field made bad (5 in 6), or a body that is not a message (1 in 6).</summary>
    public static Gen<BadMessage> For<T>(IReadOnlyList<FieldRule> fields)
    {
        var cases = new List<BadMessage>();
        foreach (var field in fields)
            foreach (var bad in field.Bad)
            {
                var body = Object(fields.Select(f => (f.Name, f == field ? bad : f.Good)));
                var what = bad == Missing ? "missing" : bad.Length > 40 ? $"{bad.Length} characters long" : bad;
                cases.Add(new($"{typeof(T).Name}.{field.Name} = {what}",
                    RawBus.Envelope<T>("@@ID@@", body), field.Name));
            }
        var notAMessage = NotAMessage<T>(Good(fields));
        return Gen.Frequency((5, Gen.OneOf(cases.ToArray())), (1, Gen.OneOf(notAMessage)));
    }
}
