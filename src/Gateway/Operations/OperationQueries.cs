using System.Globalization;
using Credits.Persistence;
using Credits.Persistence.Operations;
using Credits.Sagas.StateMachines;
using Microsoft.EntityFrameworkCore;

namespace Credits.Gateway.Operations;

/// <summary>
/// Plan changes, top-ups and card setups, read from the saga rows (plan_change_saga, top_up_saga, card_setup_saga) and the requests the
/// Gateway accepted (operation_requests). Used by GET /v1/operations and /v1/customers/{id}/operations: reasons and step
/// outcomes pass <see cref="CustomerFacingReasons"/> (the operator console reads the sagas' own text elsewhere).
/// </summary>
public sealed class OperationQueries(CreditsDbContext db)
{
    public const int MaxListLimit = 200;

    public async Task<OperationView?> GetOperationAsync(Guid operationId, CancellationToken ct = default)
    {
        var views = await LoadAsync([operationId], ct);
        return views.FirstOrDefault();
    }

    /// <summary>A customer's operations (or everyone's when <paramref name="customerId"/> is null), newest first.</summary>
    public async Task<IReadOnlyList<OperationView>> ListOperationsAsync(string? customerId, int limit = 50, CancellationToken ct = default)
    {
        limit = Math.Clamp(limit, 1, MaxListLimit);
        // Cancellations have their own record (GET /v1/customers/{id}/cancellation).
        var requests = db.Set<OperationRequest>().AsNoTracking().Where(r => r.Kind != OperationKinds.Cancellation);
        var planChanges = db.Set<PlanChangeState>().AsNoTracking();
        var topUps = db.Set<TopUpState>().AsNoTracking();
        var cardSetups = db.Set<CardSetupState>().AsNoTracking();
        if (customerId is not null)
        {
            cardSetups = cardSetups.Where(s => s.CustomerId == customerId);
            requests = requests.Where(r => r.CustomerId == customerId);
            planChanges = planChanges.Where(s => s.CustomerId == customerId);
            topUps = topUps.Where(s => s.CustomerId == customerId);
        }
        // Auto top-ups have a saga row but no request, so all three sources are asked for their newest.
        var ids = new HashSet<Guid>();
        ids.UnionWith(await requests.OrderByDescending(r => r.RequestedAt).Take(limit).Select(r => r.OperationId).ToListAsync(ct));
        ids.UnionWith(await planChanges.OrderByDescending(s => s.CreatedAt).Take(limit).Select(s => s.CorrelationId).ToListAsync(ct));
        ids.UnionWith(await topUps.OrderByDescending(s => s.CreatedAt).Take(limit).Select(s => s.CorrelationId).ToListAsync(ct));
        ids.UnionWith(await cardSetups.OrderByDescending(s => s.CreatedAt).Take(limit).Select(s => s.CorrelationId).ToListAsync(ct));
        var views = await LoadAsync(ids, ct);
        return views.OrderByDescending(v => v.RequestedAt ?? v.StartedAt).Take(limit).ToList();
    }

    async Task<List<OperationView>> LoadAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var requests = await db.Set<OperationRequest>().AsNoTracking().Where(r => ids.Contains(r.OperationId)).ToDictionaryAsync(r => r.OperationId, ct);
        var planChanges = await db.Set<PlanChangeState>().AsNoTracking().Where(s => ids.Contains(s.CorrelationId)).ToDictionaryAsync(s => s.CorrelationId, ct);
        var topUps = await db.Set<TopUpState>().AsNoTracking().Where(s => ids.Contains(s.CorrelationId)).ToDictionaryAsync(s => s.CorrelationId, ct);
        var cardSetups = await db.Set<CardSetupState>().AsNoTracking().Where(s => ids.Contains(s.CorrelationId)).ToDictionaryAsync(s => s.CorrelationId, ct);
        var views = new List<OperationView>();
        foreach (var id in ids)
        {
            requests.TryGetValue(id, out var request);
            if (planChanges.TryGetValue(id, out var planChange)) views.Add(FromPlanChange(planChange, request));
            else if (topUps.TryGetValue(id, out var topUp)) views.Add(FromTopUp(topUp, request));
            else if (cardSetups.TryGetValue(id, out var cardSetup)) views.Add(FromCardSetup(cardSetup, request));
            else if (request is not null && request.Kind != OperationKinds.Cancellation) views.Add(FromRequest(request));
        }
        return views;
    }

    static OperationView FromPlanChange(PlanChangeState s, OperationRequest? request) => new()
    {
        OperationId = s.CorrelationId,
        Kind = OperationKinds.PlanChange,
        CustomerId = s.CustomerId,
        Status = OperationStatuses.FromPlanChange(s.CurrentState),
        SagaState = s.CurrentState,
        RequestedAt = request?.RequestedAt,
        StartedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Error = CustomerFacingReasons.ForPlanChange(s.LastError),
        PlanChange = new PlanChangeDetails
        {
            Direction = s.Kind is "upgrade" or "downgrade" ? s.Kind : null, // a rejected change has no direction
            FromPlanId = s.FromPlanId is { Length: > 0 } from ? from : null,
            ToPlanId = s.ToPlanId is { Length: > 0 } to ? to : Requested<RequestedPlanChange>(request)?.PlanId ?? "",
            Steps = ParseSteps(s.Steps).Select(step => step with { Outcome = CustomerFacingReasons.StepOutcome(step.Outcome) }).ToList(),
            CreditsGranted = s.CreditsGranted,
            PeriodStart = s.PeriodStart == default ? null : s.PeriodStart,
            PeriodEnd = s.PeriodEnd == default ? null : s.PeriodEnd,
            CardCheckoutUrl = s.CurrentState == "AwaitingCard" ? s.CardCheckoutUrl : null,
        },
    };

    static OperationView FromCardSetup(CardSetupState s, OperationRequest? request) => new()
    {
        OperationId = s.CorrelationId,
        Kind = OperationKinds.CardSetup,
        CustomerId = s.CustomerId,
        Status = OperationStatuses.FromCardSetup(s.CurrentState),
        SagaState = s.CurrentState,
        RequestedAt = request?.RequestedAt,
        StartedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Error = CustomerFacingReasons.ForCardSetup(s.LastError),
        CardSetup = new CardSetupDetails
        {
            CheckoutUrl = s.CurrentState == "AwaitingCard" ? s.CheckoutUrl : null,
            CheckoutSessionId = s.CheckoutSessionId,
            PaymentMethodId = s.PaymentMethodId,
        },
    };

    static OperationView FromTopUp(TopUpState s, OperationRequest? request) => new()
    {
        OperationId = s.CorrelationId,
        Kind = OperationKinds.TopUp,
        CustomerId = s.CustomerId,
        Status = OperationStatuses.FromTopUp(s.CurrentState),
        SagaState = s.CurrentState,
        RequestedAt = request?.RequestedAt,
        StartedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Error = CustomerFacingReasons.ForPurchase(s.LastError),
        TopUp = new TopUpDetails
        {
            PackId = Requested<RequestedTopUp>(request)?.PackId,
            Credits = s.Credits, Amount = s.Amount, Currency = s.Currency, UseSavedCard = s.UseSavedCard,
            CheckoutUrl = s.CheckoutUrl, CheckoutSessionId = s.CheckoutSessionId, PaymentIntentId = s.PaymentIntentId,
            AmountRefunded = s.AmountRefunded,
        },
    };

    static OperationView FromRequest(OperationRequest r) => new()
    {
        OperationId = r.OperationId,
        Kind = r.Kind,
        CustomerId = r.CustomerId,
        Status = OperationStatuses.Accepted,
        RequestedAt = r.RequestedAt,
        PlanChange = r.Kind == OperationKinds.PlanChange && Requested<RequestedPlanChange>(r) is { } change
            ? new PlanChangeDetails { ToPlanId = change.PlanId }
            : null,
        TopUp = r.Kind == OperationKinds.TopUp && Requested<RequestedTopUp>(r) is { } topUp
            ? new TopUpDetails { PackId = topUp.PackId, Credits = topUp.Credits, Amount = topUp.Amount, Currency = topUp.Currency, UseSavedCard = topUp.UseSavedCard }
            : null,
        CardSetup = r.Kind == OperationKinds.CardSetup ? new CardSetupDetails() : null,
    };

    static T? Requested<T>(OperationRequest? request) where T : class => request is null ? null : RequestJson.Read<T>(request.Request);

    /// <summary>The saga writes one line per step: "&lt;ISO 8601 time&gt; &lt;step&gt; &lt;outcome...&gt;".</summary>
    public static IReadOnlyList<OperationStep> ParseSteps(string? steps) =>
        (steps ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line =>
        {
            var parts = line.Split(' ', 3);
            return parts.Length >= 2 && DateTimeOffset.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
                ? new OperationStep(at, parts[1], parts.Length == 3 ? parts[2] : "")
                : new OperationStep(null, "", line);
        }).ToList();
}
