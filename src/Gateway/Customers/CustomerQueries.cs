using System.Text.Json;
using Credits.Billing.Catalog;
using Credits.Contracts.Customers;
using Credits.Gateway.Operations;
using Credits.Ledger;
using Credits.Persistence;
using Credits.Persistence.Cards;
using Credits.Sagas;
using Credits.Sagas.StateMachines;
using Microsoft.EntityFrameworkCore;

namespace Credits.Gateway.Customers;

/// <summary>Customers as the sagas and the ledger have them now (GET /v1/customers/{id}, the portal).</summary>
public sealed class CustomerQueries(CreditsDbContext db, CreditLedger ledger, BillingCatalog catalog, TimeProvider clock)
{
    /// <summary>The customer lifecycle saga's row, untracked; null for an unknown (or unusable) id.</summary>
    public Task<CustomerLifecycleState?> FindAsync(string customerId, CancellationToken ct = default)
    {
        if (CustomerIds.Check(customerId) is not null) return Task.FromResult<CustomerLifecycleState?>(null);
        var id = SagaKeys.ForCustomer(customerId);
        return db.Set<CustomerLifecycleState>().AsNoTracking().FirstOrDefaultAsync(c => c.CorrelationId == id, ct);
    }

    public async Task<CustomerView?> GetCustomerAsync(string customerId, CancellationToken ct = default) =>
        await FindAsync(customerId, ct) is { } row
            ? ToView(row, await ledger.GetBalanceAsync(customerId, ct)) with { Card = SavedCardView.From(await SavedCardAsync(customerId, ct)) }
            : null;

    /// <summary>The card Credits last made the customer's default (recorded by the step that set it), or null.</summary>
    public Task<SavedCard?> SavedCardAsync(string customerId, CancellationToken ct = default) =>
        db.Set<SavedCard>().AsNoTracking().FirstOrDefaultAsync(c => c.CustomerId == customerId, ct);

    public async Task<AutoTopUpView?> GetAutoTopUpAsync(string customerId, CancellationToken ct = default)
    {
        if (CustomerIds.Check(customerId) is not null) return null;
        var id = SagaKeys.ForAutoTopUp(customerId);
        var row = await db.Set<AutoTopUpState>().AsNoTracking().FirstOrDefaultAsync(s => s.CorrelationId == id, ct);
        if (row is null) return null;
        // The saga keeps what to buy, not the pack's name: find the pack that sells exactly that.
        var pack = catalog.Packs.FirstOrDefault(p => p.Credits == row.Credits && p.Amount == row.Amount && p.Currency == row.Currency);
        return new AutoTopUpView(row.CustomerId, row.Enabled, row.Threshold, pack?.Id, row.Credits, row.Amount, row.Currency,
            AutoTopUpSafety.StateOf(row), row.PurchaseId, row.PurchasesStarted, row.UpdatedAt, AutoTopUpSafety.Of(row, clock.GetUtcNow()));
    }

    public static CustomerView ToView(CustomerLifecycleState row, Ledger.Queries.CreditBalance? balance) => new()
    {
        CustomerId = row.CustomerId,
        State = CustomerStates.FromSaga(row.CurrentState),
        SagaState = row.CurrentState,
        // The sagas' reasons are for operators; an app (and its customer) gets the safe sentence (CustomerFacingReasons).
        FailureReason = row.CurrentState == CustomerStates.SagaRegistrationFailed ? CustomerFacingReasons.ForCustomer(row.LastError) : null,
        PlanId = row.PlanId,
        Email = row.Email,
        Name = row.Name,
        StripeCustomerId = row.StripeCustomerId,
        Subscription = row.SubscriptionId is { Length: > 0 } subscription
            ? new SubscriptionView(subscription, row.SubscriptionStatus, Items(row.Items))
            : null,
        Period = row is { PeriodStart: { } start, PeriodEnd: { } end } ? new BillingPeriod(start, end) : null,
        Balance = balance,
        PlanChangeInFlight = row.PlanChangeOperationId,
        LastPlanChangeOperationId = row.LastPlanChangeOperationId,
        CancellationInFlight = row.CancellationOperationId,
        CancelAt = row.CancelAt,
        CancelledAt = row.CancelledAt,
        PastDue = row.PastDueInvoiceId is { } invoice ? new PastDueView(invoice, row.PastDueAmount, row.PastDueCurrency, row.PastDueInvoiceUrl) : null,
        LastError = CustomerFacingReasons.ForCustomer(row.LastError),
        CreatedAt = row.CreatedAt,
        UpdatedAt = row.UpdatedAt,
    };

    // The saga writes the items with System.Text.Json's defaults (SagaJson).
    static IReadOnlyList<SubscriptionItem> Items(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<SubscriptionItem>>(json) ?? [];
}

/// <summary>A customer's auto top-up policy (the auto top-up saga's row). <see cref="State"/>: idle, purchase-in-flight or stopped (repeated failures).</summary>
public sealed record AutoTopUpView(string CustomerId, bool Enabled, long Threshold, string? PackId, long Credits, long Amount,
    string Currency, string State, Guid? PurchaseInFlight, int PurchasesStarted, DateTimeOffset UpdatedAt, AutoTopUpSafety Safety);
