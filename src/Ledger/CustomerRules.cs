namespace Credits.Ledger;

/// <summary>
/// What Credits accepts as an app's customer id and as the name and email of a customer: one rule for the Gateway
/// (a 400 naming the field) and the Orchestrator (a dead-lettered message naming the field). Each check answers null
/// when the value is usable, else the problem in words that start with the field's name.
/// </summary>
public static class CustomerRules
{
    /// <summary>The saga and ledger columns hold 128 characters.</summary>
    public const int MaxIdLength = LedgerLimits.MaxCustomerIdLength;
    public const int MaxEmailLength = 320;
    public const int MaxNameLength = 256;

    /// <summary>1 to 128 characters, no white space, no control characters, no '/' (the id is a path segment of the API).</summary>
    public static string? IdProblem(string? customerId, string field = "customerId") =>
        string.IsNullOrEmpty(customerId) ? $"{field} is required."
        : customerId.Length > MaxIdLength ? $"{field} must be at most {MaxIdLength} characters."
        : customerId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '/')
            ? $"{field} must not contain white space, control characters or '/'."
        : null;

    /// <summary>Optional; an address of at most 320 characters without control characters.</summary>
    public static string? EmailProblem(string? email) =>
        email is not null && (email.Length > MaxEmailLength || !email.Contains('@') || LedgerLimits.HasControlCharacters(email))
            ? $"email must be an address of at most {MaxEmailLength} characters."
            : null;

    /// <summary>Optional; at most 256 characters without control characters.</summary>
    public static string? NameProblem(string? name) =>
        name is not null && (name.Length > MaxNameLength || LedgerLimits.HasControlCharacters(name))
            ? $"name must be at most {MaxNameLength} characters, without control characters."
            : null;
}
