using Credits.Persistence.Operations;
using Credits.Sagas;
using Credits.Sagas.StateMachines;
using Microsoft.EntityFrameworkCore;

namespace Credits.IntegrationTests.Customers;

/// <summary>
/// Reads and arranges the customer saga rows and accepted requests in the system's database: for states that
/// would otherwise need a whole registration (or a plan change parked at the period end) to set up.
/// </summary>
public sealed class CustomerRows(Accounts accounts)
{
    /// <summary>An active customer as the customer lifecycle saga leaves it after registration.</summary>
    public async Task WriteActiveAsync(string customerId, string planId, string stripeCustomerId, Guid? planChangeInFlight = null)
    {
        await using var db = accounts.NewDbContext();
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        db.Add(new CustomerLifecycleState
        {
            CorrelationId = SagaKeys.ForCustomer(customerId), CurrentState = "Active", CustomerId = customerId, PlanId = planId,
            StripeCustomerId = stripeCustomerId, SubscriptionId = "sub_" + customerId, SubscriptionStatus = "active",
            Items = "[]", PeriodStart = start, PeriodEnd = start.AddMonths(1), AllowancePeriodStart = start,
            PlanChangeOperationId = planChangeInFlight, LastPlanChangeOperationId = planChangeInFlight,
            CreatedAt = start, UpdatedAt = start,
        });
        await db.SaveChangesAsync();
    }

    public async Task<List<OperationRequest>> RequestsAsync(string customerId)
    {
        await using var db = accounts.NewDbContext();
        return await db.Set<OperationRequest>().AsNoTracking().Where(r => r.CustomerId == customerId).ToListAsync();
    }

    public async Task<bool> CustomerExistsAsync(string customerId)
    {
        await using var db = accounts.NewDbContext();
        var id = SagaKeys.ForCustomer(customerId);
        return await db.Set<CustomerLifecycleState>().AnyAsync(c => c.CorrelationId == id);
    }
}
