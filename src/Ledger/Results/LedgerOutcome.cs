namespace Credits.Ledger.Results;

public enum LedgerOutcome
{
    /// <summary>The operation was applied now.</summary>
    Applied,
    /// <summary>The key was applied before with the same content: nothing changed; the figures are the original ones.</summary>
    Duplicate,
    /// <summary>The key was used before with different content: nothing changed.</summary>
    Conflict,
    /// <summary>Valid, but not possible now (not enough credits to reserve, reservation already closed): nothing changed.</summary>
    Refused,
    /// <summary>The customer has no ledger account (no period was ever started).</summary>
    UnknownCustomer,
    /// <summary>The reservation or grant referred to does not exist on this account.</summary>
    NotFound,
    /// <summary>The command can never be applied (see Reason).</summary>
    Invalid,
}
