using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Credits.Contracts.TopUps;
using Credits.Sagas.StateMachines;
using Microsoft.EntityFrameworkCore;

namespace Credits.Benchmarks.Chaos;

/// <summary>
/// What the app and the customers do beside the usage, while the faults go on: plan changes over HTTP (Hobby
/// customers upgrade to Pro and pay the proration with their saved card; some Pro customers schedule a downgrade),
/// top-ups on the bus (half charge the saved card, half go through Checkout and are paid on the emulator's page as
/// soon as the saga has the session), and reservations over HTTP (reserve, then settle, release, or leave to expire).
/// Every call is retried as a real caller would: the same Idempotency-Key, purchase id or reservation id.
/// </summary>
public sealed class SagaTraffic(ChaosSystem system, IReadOnlyList<ChaosCustomer> customers)
{
    public const long PurchaseCredits = 500;
    public const long PurchaseAmount = 500;

    readonly ConcurrentBag<Guid> _operations = [];
    readonly ConcurrentBag<(Guid Id, string CustomerId, bool SavedCard)> _purchases = [];
    readonly ConcurrentBag<Guid> _reservations = [];
    readonly ConcurrentDictionary<string, int> _outcomes = new();

    public IReadOnlyCollection<Guid> Operations => _operations;
    public IReadOnlyCollection<(Guid Id, string CustomerId, bool SavedCard)> Purchases => _purchases;
    public IReadOnlyCollection<Guid> Reservations => _reservations;
    public IReadOnlyDictionary<string, int> Outcomes => _outcomes;

    void Count(string outcome) => _outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);

    /// <summary>Runs until <paramref name="ct"/> ends (the usage is all acknowledged).</summary>
    public Task RunAsync(TimeSpan expected, CancellationToken ct) => Task.WhenAll(
        PlanChangesAsync(expected, ct), TopUpsAsync(expected, ct), ReservationsAsync(ct));

    HttpClient NewClient()
    {
        var http = new HttpClient { BaseAddress = system.Balancer.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ChaosSystem.ApiKey);
        return http;
    }

    /// <summary>The upgraders and downgraders spread over the expected length of the run.</summary>
    async Task PlanChangesAsync(TimeSpan expected, CancellationToken ct)
    {
        var changes = customers.Where(c => c.Upgrades).Select(c => (c, "pro"))
            .Concat(customers.Where(c => c.Downgrades).Select(c => (c, "hobby"))).OrderBy(_ => Random.Shared.Next()).ToList();
        if (changes.Count == 0) return;
        var gap = expected / (changes.Count + 1);
        using var http = NewClient();
        foreach (var (customer, plan) in changes)
        {
            await Task.Delay(gap, ct);
            var key = $"chaos-{plan}-{customer.CustomerId}";
            var body = await SendUntilAnsweredAsync(http, () => new HttpRequestMessage(HttpMethod.Post, $"v1/customers/{customer.CustomerId}/plan")
            {
                Content = JsonContent.Create(new { planId = plan }), Headers = { { "Idempotency-Key", key } },
            }, ct);
            if (body is { Status: HttpStatusCode.Accepted or HttpStatusCode.OK } && body.Json.TryGetProperty("operationId", out var id))
            {
                _operations.Add(id.GetGuid());
                Count($"plan change to {plan} accepted");
            }
            else Count($"plan change to {plan} answered {(int?)body?.Status}");
        }
    }

    async Task TopUpsAsync(TimeSpan expected, CancellationToken ct)
    {
        var count = Math.Max(4, customers.Count / 2);
        var gap = expected / (count + 1);
        for (var i = 0; i < count && !ct.IsCancellationRequested; i++)
        {
            await Task.Delay(gap, ct);
            var customer = customers[Random.Shared.Next(customers.Count)];
            var message = new PurchaseCredits
            {
                PurchaseId = Guid.NewGuid(), CustomerId = customer.CustomerId, StripeCustomerId = customer.StripeCustomerId,
                Credits = PurchaseCredits, Amount = PurchaseAmount, Currency = "usd", UseSavedCard = i % 2 == 0,
            };
            _purchases.Add((message.PurchaseId, customer.CustomerId, message.UseSavedCard));
            while (true)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                try
                {
                    await system.Bus.Publish(message, timeout.Token);
                    break;
                }
                catch (Exception) when (!ct.IsCancellationRequested)
                {
                    await Task.Delay(1000, ct);
                }
            }
            Count(message.UseSavedCard ? "top-up with the saved card published" : "top-up through Checkout published");
        }
    }

    /// <summary>
    /// The customer on Stripe's page: each Checkout session is paid once, when its saga waits for it. Runs on until the
    /// sagas have settled, since a purchase published at the end of the load has its session only then.
    /// </summary>
    public async Task PayCheckoutsAsync(CancellationToken ct)
    {
        var paid = new HashSet<string>();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(1000, ct);
                var ids = _purchases.Where(p => !p.SavedCard).Select(p => p.Id).ToList();
                await using var db = system.NewDbContext();
                var waiting = await db.Set<TopUpState>().AsNoTracking()
                    .Where(x => ids.Contains(x.CorrelationId) && x.CurrentState == "AwaitingPayment" && x.CheckoutSessionId != null)
                    .Select(x => x.CheckoutSessionId!).ToListAsync(ct);
                foreach (var session in waiting.Where(paid.Add))
                {
                    await system.Stripe.Control.CheckoutAsync(session, "complete");
                    Count("Checkout session paid");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException && !ct.IsCancellationRequested)
            {
                // PostgreSQL restarting: the next round reads again.
            }
        }
    }

    async Task ReservationsAsync(CancellationToken ct)
    {
        using var http = NewClient();
        var round = 0;
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(250, ct);
            var customer = customers[Random.Shared.Next(customers.Count)];
            var key = $"chaos-reserve-{round++}";
            var reserved = await SendUntilAnsweredAsync(http, () => new HttpRequestMessage(HttpMethod.Post, $"v1/customers/{customer.CustomerId}/reservations")
            {
                Content = JsonContent.Create(new { credits = 5, timeToLiveSeconds = 5 }), Headers = { { "Idempotency-Key", key } },
            }, ct);
            if (reserved is not { Status: HttpStatusCode.Created or HttpStatusCode.OK } || !reserved.Json.TryGetProperty("reservationId", out var idElement)
                || idElement.ValueKind != JsonValueKind.String)
            {
                Count($"reservation refused ({(int?)reserved?.Status})");
                continue;
            }
            var id = idElement.GetGuid();
            _reservations.Add(id);
            switch (round % 3)
            {
                case 0:
                    var settled = await SendUntilAnsweredAsync(http, () => new HttpRequestMessage(HttpMethod.Post, $"v1/customers/{customer.CustomerId}/reservations/{id}/settle")
                    {
                        Content = JsonContent.Create(new { actualCredits = 3 }),
                    }, ct);
                    Count($"reservation settled ({(int?)settled?.Status})");
                    break;
                case 1:
                    var released = await SendUntilAnsweredAsync(http, () => new HttpRequestMessage(HttpMethod.Post, $"v1/customers/{customer.CustomerId}/reservations/{id}/release"), ct);
                    Count($"reservation released ({(int?)released?.Status})");
                    break;
                default:
                    Count("reservation left to expire");
                    break;
            }
        }
    }

    public sealed record Answer(HttpStatusCode Status, JsonElement Json);

    /// <summary>Sends until Credits answers something other than a 5xx or nothing; null when the run ended first.</summary>
    async Task<Answer?> SendUntilAnsweredAsync(HttpClient http, Func<HttpRequestMessage> request, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var message = request();
                using var response = await http.SendAsync(message, ct);
                if ((int)response.StatusCode >= 500)
                {
                    Count($"HTTP {(int)response.StatusCode} re-sent");
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), ct);
                    continue;
                }
                var text = await response.Content.ReadAsStringAsync(ct);
                return new Answer(response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !ct.IsCancellationRequested)
            {
                Count("HTTP no answer, re-sent");
                await Task.Delay(1000, ct);
            }
        }
        return null;
    }
}
