using System.Globalization;

namespace Credits.Client;

public sealed partial class CreditsClient
{
    /// <summary>GET balance; null when the customer has no credit account (yet).</summary>
    public Task<CreditBalance?> GetBalanceAsync(string customerId, CancellationToken ct = default) =>
        FindAsync<CreditBalance>(Customer(customerId) + "/balance", ct);

    /// <summary>GET ledger: entries newest first, <paramref name="limit"/> (1 to 1000, default 100) before entry <paramref name="before"/>.</summary>
    public Task<LedgerPage> GetLedgerAsync(string customerId, long? before = null, int? limit = null, CancellationToken ct = default) =>
        SendAsync<LedgerPage>(Request(HttpMethod.Get, Customer(customerId) + "/ledger" + Query(("before", before), ("limit", limit))), ct);

    /// <summary>GET entitlement: may the customer (or <paramref name="memberId"/> of its shared balance) spend <paramref name="credits"/> now?</summary>
    public Task<Entitlement> CheckEntitlementAsync(string customerId, long credits, string? memberId = null, CancellationToken ct = default) =>
        SendAsync<Entitlement>(Request(HttpMethod.Get, Customer(customerId) + "/entitlement" + Query(("credits", credits), ("memberId", memberId))), ct);

    /// <summary>GET usage: by feature and member, from <paramref name="from"/> to <paramref name="to"/> (default: the current period).</summary>
    public Task<UsageBreakdown> GetUsageAsync(string customerId, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken ct = default) =>
        SendAsync<UsageBreakdown>(Request(HttpMethod.Get, Customer(customerId) + "/usage" + Query(("from", from), ("to", to))), ct);

    /// <summary>GET members of a shared balance.</summary>
    public Task<IReadOnlyList<Member>> GetMembersAsync(string customerId, CancellationToken ct = default) =>
        SendAsync<IReadOnlyList<Member>>(Request(HttpMethod.Get, Customer(customerId) + "/members"), ct);

    /// <summary>
    /// PUT a member's limit per period, or with null DELETE it (no limit of its own); creates the member. Setting the same
    /// limit again changes nothing.
    /// </summary>
    public Task<Member> SetMemberLimitAsync(string customerId, string memberId, long? limitPerPeriod, CancellationToken ct = default) =>
        limitPerPeriod is { } limit
            ? SendAsync<Member>(Request(HttpMethod.Put, Customer(customerId) + "/members/" + Uri.EscapeDataString(memberId), new MemberLimit(limit)), ct)
            : SendAsync<Member>(Request(HttpMethod.Delete, Customer(customerId) + "/members/" + Uri.EscapeDataString(memberId) + "/limit"), ct);

    /// <summary>GET /v1/rate-cards: the published versions, oldest first.</summary>
    public Task<IReadOnlyList<RateCard>> GetRateCardsAsync(CancellationToken ct = default) =>
        SendAsync<IReadOnlyList<RateCard>>(Request(HttpMethod.Get, "/v1/rate-cards"), ct);

    sealed record MemberLimit(long LimitPerPeriod);

    static string Query(params (string Name, object? Value)[] parameters)
    {
        var given = parameters.Where(p => p.Value is not null).Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value switch
        {
            DateTimeOffset at => at.ToString("O", CultureInfo.InvariantCulture),
            IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
            var other => other!.ToString()!,
        })).ToList();
        return given.Count == 0 ? "" : "?" + string.Join('&', given);
    }
}
