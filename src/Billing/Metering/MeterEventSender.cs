using System.Globalization;
using Credits.Billing.Storage;
using Credits.Billing.StripeAdapter;
using global::Stripe;
using Microsoft.Extensions.Options;
using V1MeterEventCreateOptions = global::Stripe.Billing.MeterEventCreateOptions;
using V2MeterEventStreamCreateOptions = global::Stripe.V2.Billing.MeterEventStreamCreateOptions;
using V2MeterEventStreamEvent = global::Stripe.V2.Billing.MeterEventStreamCreateEventOptions;

namespace Credits.Billing.Metering;

/// <summary>
/// Sends meter reports to Stripe. Each report's identifier is its dedup key at Stripe, so sending a
/// report twice (a resend after a lost answer or a crash) counts it once.
/// </summary>
public sealed class MeterEventSender(StripeCalls stripe, IOptions<StripeOptions> stripeOptions,
    IOptions<OverageMeteringOptions> options, MeteringStatistics statistics, TimeProvider clock)
{
    public const int StreamBatchSize = 100;

    readonly SemaphoreSlim _sessionGate = new(1, 1);
    (StripeClient Client, DateTimeOffset ExpiresAt)? _session;

    /// <summary>Sends the reports; returns those Stripe accepted (the others stay pending and are resent later).</summary>
    public async Task<IReadOnlyList<MeterReport>> SendAsync(IReadOnlyList<MeterReport> reports, CancellationToken ct)
    {
        var accepted = new List<MeterReport>();
        if (options.Value.Transport == MeterTransport.V1)
        {
            foreach (var report in reports)
                if (await SendV1Async(report, ct)) accepted.Add(report);
            return accepted;
        }
        foreach (var batch in reports.Chunk(StreamBatchSize))
            if (await SendStreamAsync(batch, ct)) accepted.AddRange(batch);
        return accepted;
    }

    async Task<bool> SendV1Async(MeterReport report, CancellationToken ct)
    {
        var result = await stripe.SendAsync("meter event",
            (c, o, t) => c.V1.Billing.MeterEvents.CreateAsync(new V1MeterEventCreateOptions
            {
                EventName = stripeOptions.Value.MeterEventName,
                Identifier = report.Identifier,
                Timestamp = report.Timestamp.UtcDateTime,
                Payload = Payload(report),
            }, o, t), ct);
        // Stripe refuses a second event with an identifier it holds: that event was counted already.
        var ok = result.Succeeded || DuplicateMeterEvent.IsAlreadyCounted(result.Failure!, report.Identifier);
        statistics.Called(ok, 1);
        report.LastError = ok ? null : result.Failure!.ToString();
        return ok;
    }

    async Task<bool> SendStreamAsync(MeterReport[] batch, CancellationToken ct)
    {
        var events = batch.Select(r => new V2MeterEventStreamEvent
        {
            EventName = stripeOptions.Value.MeterEventName,
            Identifier = r.Identifier,
            Timestamp = r.Timestamp.UtcDateTime,
            Payload = Payload(r),
        }).ToList();
        for (var renewals = 0; ; renewals++)
        {
            var session = await SessionAsync(renewals > 0, ct);
            if (session is null) return Failed(batch, "could not create a meter event session");
            var result = await stripe.SendAsync("meter event stream",
                (_, o, t) => session.V2.Billing.MeterEventStream.CreateAsync(new V2MeterEventStreamCreateOptions { Events = events }, o, t), ct);
            statistics.Called(result.Succeeded, batch.Length);
            if (result.Succeeded)
            {
                foreach (var r in batch) r.LastError = null;
                return true;
            }
            // The 15-minute token ran out (Stripe.net does not retry this): a new session, then the same events again.
            if (!StripeErrors.IsSessionExpired(result.Failure!) || renewals >= 1) return Failed(batch, result.Failure!.ToString());
        }
    }

    async Task<StripeClient?> SessionAsync(bool renew, CancellationToken ct)
    {
        await _sessionGate.WaitAsync(ct);
        try
        {
            // Renew a minute early so a request never starts on a token about to expire.
            if (!renew && _session is { } s && s.ExpiresAt - clock.GetUtcNow() > TimeSpan.FromMinutes(1)) return s.Client;
            var created = await stripe.SendAsync("meter event session",
                (c, o, t) => c.V2.Billing.MeterEventSession.CreateAsync(new(), o, t), ct);
            if (!created.Succeeded) return null;
            statistics.SessionCreated();
            var settings = stripeOptions.Value;
            var client = new StripeClient(new StripeClientOptions
            {
                ApiKey = created.Value!.AuthenticationToken,
                ApiBase = settings.ApiBase.TrimEnd('/'),
                MeterEventsBase = settings.MeterEventsBase.TrimEnd('/'),
                HttpClient = StripeClientFactory.CreateHttpClient(settings),
            });
            _session = (client, StripeTime.Utc(created.Value.ExpiresAt));
            return client;
        }
        finally
        {
            _sessionGate.Release();
        }
    }

    static bool Failed(MeterReport[] batch, string error)
    {
        foreach (var r in batch) r.LastError = error;
        return false;
    }

    static Dictionary<string, string> Payload(MeterReport report) => new()
    {
        ["stripe_customer_id"] = report.StripeCustomerId,
        ["value"] = report.Quantity.ToString(CultureInfo.InvariantCulture),
    };
}
