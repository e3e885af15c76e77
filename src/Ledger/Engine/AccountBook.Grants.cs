using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;

namespace Credits.Ledger.Engine;

sealed partial class AccountBook
{
    LedgerResult Grant(GrantCredits c)
    {
        if (_account.Balance > LedgerLimits.MaxBalance - c.Credits)
            return NotApplied(c, LedgerOutcome.Refused, $"the account would hold more than {LedgerLimits.MaxBalance:N0} credits");
        var grant = AddGrant(c.Source, c.Credits, c.Priority, c.EffectiveAt ?? _now, c.ExpiresAt, null, c.IdempotencyKey);
        Post(c, note: c.Note).Add(EntryKind.Grant, c.Credits, 0, c.Credits, grantId: grant.Id);
        return Applied(c) with { Granted = c.Credits, GrantId = grant.Id };
    }

    /// <summary>Takes back what is left of a grant (a refund): what was already spent stays spent.</summary>
    LedgerResult Reverse(ReverseGrant c)
    {
        var grant = _grants.FirstOrDefault(g => g.IdempotencyKey == c.GrantKey);
        if (grant is null) return NotApplied(c, LedgerOutcome.NotFound, $"no grant with key '{c.GrantKey}' on this account");
        var take = Math.Min(c.Credits ?? grant.Remaining, grant.Remaining);
        grant.Remaining -= take;
        grant.Changed = true;
        // Written even when nothing is left to take, so that the key is recorded as used.
        Post(c, note: c.Note).Add(EntryKind.Reversal, -take, 0, take, grantId: grant.Id);
        return Applied(c) with { Reversed = take, GrantId = grant.Id };
    }

    GrantState AddGrant(GrantSource source, long credits, int? priority, DateTimeOffset effectiveAt,
        DateTimeOffset? expiresAt, DateTimeOffset? periodStart, string key)
    {
        var grant = new GrantState
        {
            Id = SequentialIds.Next(_now),
            Source = source,
            Amount = credits,
            Remaining = credits,
            Priority = priority ?? GrantPriorities.DefaultFor(source),
            EffectiveAt = effectiveAt,
            ExpiresAt = expiresAt,
            PeriodStart = periodStart,
            IdempotencyKey = key,
            CreatedAt = _now,
            Ordinal = _grants.Count == 0 ? 0 : _grants.Max(g => g.Ordinal) + 1,
            IsNew = true,
        };
        _grants.Add(grant);
        _burnOrder = null;
        return grant;
    }
}
