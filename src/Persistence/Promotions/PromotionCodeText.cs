namespace Credits.Persistence.Promotions;

/// <summary>
/// What a promotion code may look like: 3 to 32 letters, digits, '-' or '_', compared without case (stored upper case).
/// Short and plain on purpose: customers type them, and anything else in a redemption is refused before a query runs.
/// </summary>
public static class PromotionCodeText
{
    public const int MinLength = 3;
    public const int MaxLength = 32;

    /// <summary>The stored form of <paramref name="text"/> (trimmed, upper case), or null when it is not a possible code.</summary>
    public static string? Normalize(string? text)
    {
        var code = text?.Trim();
        if (code is null || code.Length is < MinLength or > MaxLength) return null;
        foreach (var c in code)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_')) return null;
        return code.ToUpperInvariant();
    }

    public const string Rule = "a code is 3 to 32 letters, digits, '-' or '_'";
}
