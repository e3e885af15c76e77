using System.Text.Json.Nodes;
using Credits.StripeEmulator.State;

namespace Credits.StripeEmulator.Billing;

/// <summary>
/// Everything Stripe does by itself as time passes, on one clock (a test clock, or null for the wall
/// clock): period ends (<see cref="SubscriptionRenewal"/>), renewal drafts finalized and charged
/// (<c>automatically_finalizes_at</c>), payment retries (<c>next_payment_attempt</c>, <see cref="Dunning"/>)
/// and incomplete subscriptions expiring (<see cref="IncompleteExpiry"/>). Each is processed in time
/// order, so a test clock advanced across a month sees them in the order Stripe would.
/// </summary>
public static class BillingClock
{
    private enum Kind { Finalize, Retry, PeriodEnd, Expire }

    private sealed record Due(long At, Kind Kind, JsonObject Target);

    /// <summary>The earliest time at or before <paramref name="until"/> when something is due on this clock.</summary>
    public static long? NextDue(World w, string? clock, long until) => Pending(w, clock, until).Select(d => (long?)d.At).Min();

    /// <summary>Processes everything due at or before <paramref name="until"/>, earliest first.</summary>
    public static void RunUntil(World w, string? clock, long until)
    {
        for (var guard = 0; guard < 10_000; guard++)
        {
            var due = Pending(w, clock, until).OrderBy(d => d.At).ThenBy(d => d.Kind).FirstOrDefault();
            if (due is null) return;
            switch (due.Kind)
            {
                case Kind.PeriodEnd: SubscriptionRenewal.Renew(w, due.Target); break;
                case Kind.Finalize: SubscriptionRenewal.FinalizeRenewal(w, due.Target); break;
                case Kind.Retry: Dunning.Retry(w, due.Target); break;
                case Kind.Expire: IncompleteExpiry.Expire(w, due.Target); break;
            }
        }
    }

    private static List<Due> Pending(World w, string? clock, long until)
    {
        var due = new List<Due>();
        foreach (var s in w.Store.All("subscription").Where(s => (string?)s["test_clock"] == clock))
        {
            var status = (string)s["status"]!;
            if (SubscriptionRenewal.Renews(status)) due.Add(new(SubscriptionCreation.Period(s).End, Kind.PeriodEnd, s));
            else if (status == "incomplete") due.Add(new(IncompleteExpiry.DueAt(w, s), Kind.Expire, s));
        }
        foreach (var i in w.Store.All("invoice").Where(i => (string?)i["test_clock"] == clock && i["auto_advance"]?.GetValue<bool>() == true))
        {
            var status = (string?)i["status"];
            if (status == "draft" && i["automatically_finalizes_at"] is JsonValue finalizes) due.Add(new((long)finalizes, Kind.Finalize, i));
            else if (status == "open" && i["next_payment_attempt"] is JsonValue retry) due.Add(new((long)retry, Kind.Retry, i));
        }
        return due.Where(d => d.At <= until).ToList();
    }
}
