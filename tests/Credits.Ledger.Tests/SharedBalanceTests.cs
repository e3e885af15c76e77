using Credits.Ledger.Commands;
using Credits.Ledger.Model;
using Credits.Ledger.Results;
using Credits.Ledger.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Credits.Ledger.Tests;

/// <summary>
/// Shared balances: an organization's account pays for its members' usage; each member's usage is attributed to it and
/// kept within its own limit per period, on the real ledger.
/// </summary>
public class SharedBalanceTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    static Task<LedgerResult> SpendAsync(Customer org, string member, long credits, string? key = null) =>
        org.Ledger.DebitAsync(new DebitCredits { CustomerId = org.Id, IdempotencyKey = key ?? org.NextKey(), Credits = credits, MemberId = member });

    [Fact]
    public async Task A_member_spends_the_shared_balance_up_to_its_own_limit_and_the_rest_is_written_off()
    {
        await using var org = new Customer(database);
        await org.StartAsync("pro");                                        // 1,000 credits, overage billed
        Assert.NotNull(await org.Ledger.SetMemberLimitAsync(org.Id, "ada", 50));

        var first = await SpendAsync(org, "ada", 30);
        var second = await SpendAsync(org, "ada", 30);
        var other = await SpendAsync(org, "bob", 100);                      // no limit of its own

        Assert.Equal((30L, 0L), (first.Debited, first.MemberLimited));
        Assert.Equal((20L, 10L, 10L), (second.Debited, second.WrittenOff, second.MemberLimited));
        Assert.Equal(100, other.Debited);
        Assert.Equal(1000 - 150, await org.AvailableAsync());
        var members = (await org.Ledger.GetMembersAsync(org.Id))!.ToDictionary(m => m.MemberId);
        Assert.Equal((50L, 0L), (members["ada"].UsedThisPeriod, members["ada"].Remaining!.Value));
        Assert.Equal((100L, null), (members["bob"].UsedThisPeriod, members["bob"].Remaining));

        // Refused up front too; raising the limit lets the member spend again at once.
        var entitlement = await org.Ledger.CheckMemberEntitlementAsync(org.Id, 1, "ada");
        Assert.False(entitlement!.Allowed);
        Assert.Contains("member 'ada' has 0 of its 50 left", entitlement.Reason);
        await org.Ledger.SetMemberLimitAsync(org.Id, "ada", 80);
        Assert.True((await org.Ledger.CheckMemberEntitlementAsync(org.Id, 30, "ada"))!.Allowed);
        Assert.Equal((30L, 0L), ((await SpendAsync(org, "ada", 30)).Debited, (await SpendAsync(org, "ada", 1)).Debited));
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task Every_entry_names_the_member_and_the_usage_breaks_down_by_member()
    {
        await using var org = new Customer(database);
        await org.StartAsync("hobby");                                      // 200 credits
        await org.GrantAsync(50, GrantSource.Purchase);
        await org.Ledger.SetMemberLimitAsync(org.Id, "ada", 120);

        await SpendAsync(org, "ada", 180);                                  // 120 burnt (its limit), 60 written off
        await SpendAsync(org, "bob", 150);                                  // 130 left: 130 burnt from two grants, 20 written off

        await using var db = database.NewContext();
        var entries = await db.Set<LedgerEntry>().Where(e => e.CustomerId == org.Id && e.Kind != EntryKind.Grant).ToListAsync();
        Assert.All(entries, e => Assert.NotNull(e.MemberRef));
        var breakdown = await org.Ledger.GetUsageBreakdownAsync(org.Id, Customer.PeriodStart, Customer.PeriodEnd);
        var byMember = breakdown.Members.ToDictionary(m => m.MemberId);
        Assert.Equal((180L, 1L), (byMember["ada"].Credits, byMember["ada"].Events));
        Assert.Equal((150L, 1L), (byMember["bob"].Credits, byMember["bob"].Events));
        Assert.Equal(0, await org.AvailableAsync());
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task A_replay_counts_once_and_the_same_event_for_another_member_is_a_conflict()
    {
        await using var org = new Customer(database);
        await org.StartAsync("pro");
        await org.Ledger.SetMemberLimitAsync(org.Id, "ada", 100);

        var first = await SpendAsync(org, "ada", 60, key: "evt-1");
        var replay = await SpendAsync(org, "ada", 60, key: "evt-1");
        var otherMember = await SpendAsync(org, "bob", 60, key: "evt-1");

        Assert.Equal(LedgerOutcome.Applied, first.Outcome);
        Assert.Equal(LedgerOutcome.Duplicate, replay.Outcome);
        Assert.Equal(LedgerOutcome.Conflict, otherMember.Outcome);
        Assert.Equal(60, (await org.Ledger.GetMembersAsync(org.Id, "ada"))!.Single().UsedThisPeriod);
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task A_new_period_gives_the_member_its_whole_limit_again()
    {
        await using var org = new Customer(database);
        await org.StartAsync("pro");
        await org.Ledger.SetMemberLimitAsync(org.Id, "ada", 40);
        Assert.Equal(10, (await SpendAsync(org, "ada", 50)).MemberLimited);

        org.Clock.Advance(Customer.PeriodEnd - org.Clock.Now + TimeSpan.FromMinutes(1));
        await org.StartAsync("pro", start: Customer.PeriodEnd, end: Customer.PeriodEnd.AddMonths(1));
        var next = await SpendAsync(org, "ada", 40);

        Assert.Equal((40L, 0L), (next.Debited, next.MemberLimited));
        await LedgerInvariants.AssertHoldAsync(database);
    }

    [Fact]
    public async Task A_member_is_named_within_the_ledgers_limits_and_an_unknown_account_has_no_members()
    {
        await using var org = new Customer(database);
        await org.StartAsync("hobby");
        var invalid = await SpendAsync(org, new string('m', 129), 1);
        Assert.Equal(LedgerOutcome.Invalid, invalid.Outcome);
        Assert.Contains("memberId", invalid.Reason);
        Assert.Null(await org.Ledger.SetMemberLimitAsync("nobody-" + org.Id, "ada", 10));
        Assert.Null(await org.Ledger.GetMembersAsync("nobody-" + org.Id));
        Assert.Empty((await org.Ledger.GetMembersAsync(org.Id))!);
    }
}
