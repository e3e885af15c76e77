using Credits.Billing.Catalog;
using Credits.Contracts.Customers;
using Credits.Gateway.RateLimits;
using Credits.Ledger;
using Credits.Persistence;
using Credits.Persistence.Operations;
using Credits.Sagas.StateMachines;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Credits.Gateway.Customers;

/// <summary>
/// What a client may ask of a customer: register, change plan, buy credits, set auto top-up. Each command checks
/// the request and the customer's saga row, then publishes one command through the bus outbox (committed with
/// its operation_requests row by one SaveChanges) or refuses with nothing written. The sagas stay the judges of
/// races: these checks only turn the common refusals into immediate answers. Used by the API and the portal.
/// </summary>
public sealed partial class CustomerCommands(CreditsDbContext db, IPublishEndpoint publish, CustomerQueries customers,
    BillingCatalog catalog, TimeProvider clock, IOptionsMonitor<RateLimitOptions> limits, IOptions<AutoTopUpOptions> autoTopUpOptions)
{
    /// <summary>Registers a customer, idempotent on the id: an active customer is returned as is, a running registration is left to run.</summary>
    public async Task<CommandResult<Registration>> RegisterAsync(string? customerId, string? email, string? name, string? planId,
        CancellationToken ct = default)
    {
        if (CustomerIds.Check(customerId) is { } badId) return badId;
        if (CustomerRules.EmailProblem(email) is { } badEmail) return Refusal.Invalid("email", badEmail);
        if (CustomerRules.NameProblem(name) is { } badName) return Refusal.Invalid("name", badName);
        if (planId is not null && catalog.Plan(planId) is null) return UnknownPlan(planId);

        if (await customers.FindAsync(customerId!, ct) is { } existing)
            return existing.CurrentState switch
            {
                CustomerStates.SagaActive => new Registration(existing.CustomerId, RegistrationStatus.AlreadyRegistered,
                    await customers.GetCustomerAsync(existing.CustomerId, ct)),
                // The saga keeps a failed registration; the same id cannot be registered again.
                CustomerStates.SagaRegistrationFailed => Refusal.Conflict("Registration failed",
                    $"Customer '{existing.CustomerId}' could not be registered: {existing.LastError}"),
                // The account stays after its subscription ended; the same id is not subscribed again.
                CustomerStates.SagaCancelled => Refusal.Conflict("Customer cancelled",
                    $"Customer '{existing.CustomerId}' was registered and its subscription has ended; it cannot be registered again under this id."),
                _ => new Registration(existing.CustomerId, RegistrationStatus.InProgress, CustomerQueries.ToView(existing, null)),
            };

        // A repeat that arrives before the saga has its row publishes again; the saga ignores it (docs/sagas.md).
        await publish.Publish(new RegisterCustomer { CustomerId = customerId!, Email = email, Name = name, PlanId = planId }, ct);
        await db.SaveChangesAsync(ct);
        return new Registration(customerId!, RegistrationStatus.Accepted, null);
    }

    static Refusal UnknownPlan(string planId) => Refusal.Invalid("planId", $"There is no plan '{planId}'.");

    /// <summary>The customer's saga row when it is active with a Stripe customer, else why not.</summary>
    async Task<(CustomerLifecycleState? Customer, Refusal? Refusal)> ActiveCustomerAsync(string customerId, CancellationToken ct)
    {
        var customer = await customers.FindAsync(customerId, ct);
        if (customer is null) return (null, Refusal.UnknownCustomer(customerId));
        if (customer.CurrentState != CustomerStates.SagaActive || customer.StripeCustomerId is null)
            return (null, Refusal.Conflict("Customer not active",
                $"Customer '{customerId}' is {CustomerStates.FromSaga(customer.CurrentState)}; this needs an active customer."));
        return (customer, null);
    }

    /// <summary>
    /// Stores the accepted request and publishes its command in one SaveChanges (the outbox row commits with it).
    /// False when a concurrent request with the same operation id committed first: then this one wrote nothing.
    /// </summary>
    async Task<bool> AcceptOnceAsync<T>(OperationRequest request, T command, CancellationToken ct) where T : class
    {
        db.Add(request);
        await publish.Publish(command, ct);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    Task<OperationRequest?> FindRequestAsync(Guid operationId, CancellationToken ct) =>
        db.Set<OperationRequest>().AsNoTracking().FirstOrDefaultAsync(r => r.OperationId == operationId, ct);

    /// <summary>
    /// The request that one with this customer and Idempotency-Key repeats: the one stored under its id, or one the
    /// same customer sent with the same key before ids were scoped to the customer, stored under its
    /// <paramref name="formerId"/> (a retry across that upgrade). A request stored under the former id for another
    /// customer or key is someone else's: not a repeat (docs/security/scopes.md).
    /// </summary>
    Task<OperationRequest?> FindRepeatedAsync(Guid operationId, Guid formerId, string customerId, string idempotencyKey, CancellationToken ct) =>
        db.Set<OperationRequest>().AsNoTracking()
            .Where(r => r.OperationId == operationId
                || (r.OperationId == formerId && r.CustomerId == customerId && r.IdempotencyKey == idempotencyKey))
            .OrderBy(r => r.OperationId == operationId ? 0 : 1)
            .FirstOrDefaultAsync(ct);
}
