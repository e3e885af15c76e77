using Credits.Contracts.Customers;
using Credits.Contracts.PlanChanges;
using Credits.Contracts.TopUps;
using Credits.Contracts.Usage;
using Credits.IntegrationTests.Sagas;
using Credits.Ledger;
using Credits.Sagas.StateMachines;
using Credits.Testing;
using CsCheck;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Xunit;
using static Credits.IntegrationTests.Hardening.BadMessages;

namespace Credits.IntegrationTests.Hardening;

/// <summary>
/// Generated bad messages of every app-facing message type, published raw to the real system's exchanges as a buggy
/// producer would (issue 12): each ends in its consumer's _error queue with a reason that names what is wrong, nothing
/// is written (ledger, saga rows, operations, scheduled messages, Stripe objects), and the consumer keeps working: a
/// good message sent after the bad ones is applied. In a usage batch one bad event is dead-lettered alone and the
/// rest is applied.
/// </summary>
public class GeneratedBadMessageTests(SystemUnderTest system) : IClassFixture<SystemUnderTest>, IAsyncLifetime
{
    const int Iterations = 30;
    static readonly TimeSpan DeadLetterTimeout = TimeSpan.FromSeconds(15);

    TestBus? _bus;
    RawBus? _raw;
    RawBus Raw => _raw!;
    SagaFlows Flows => new(system, _bus!.Publisher);

    public async Task InitializeAsync()
    {
        _bus = await TestBus.StartAsync(system.Infrastructure.VirtualHost.Uri, typeof(UsageRejected));
        _raw = new RawBus(system.Infrastructure.VirtualHost);
    }

    public async Task DisposeAsync()
    {
        if (_raw is not null) await _raw.DisposeAsync();
        if (_bus is not null) await _bus.DisposeAsync();
    }

    static string Saga<T>() where T : class, ISaga => KebabCaseEndpointNameFormatter.Instance.Saga<T>() + "_error";

    static FieldRule[] UsageFields(string customer) =>
    [
        new("customerId", J(customer), [.. RequiredText(LedgerLimits.MaxCustomerIdLength)]),
        new("eventId", J("MARKER-e"), RequiredText(190)),
        new("credits", "1", CreditsFaults),
        new("occurredAt", J(DateTimeOffset.UtcNow.ToString("O")), NotADate),
        new("feature", J("MARKER"), OptionalText(LedgerLimits.MaxFeatureLength)),
    ];

    [Fact]
    public async Task Bad_usage_events_are_dead_lettered_with_the_reason_and_change_nothing()
    {
        var customer = $"gbm-usage-{Guid.NewGuid():N}";
        await system.Accounts.OpenAsync(customer, "pro");

        await ThrowAsync<UsageRecorded>(For<UsageRecorded>(UsageFields(customer)), "usage-recorded_error");

        await _bus!.Publisher.Publish(new UsageRecorded { CustomerId = customer, EventId = $"good-{customer}", Credits = 7, OccurredAt = DateTimeOffset.UtcNow });
        await Eventually.Get(() => system.Accounts.AvailableAsync(customer), a => a == 5000 - 7, because: "the good event after the bad ones is debited");
    }

    [Fact]
    public async Task Bad_usage_batches_are_dead_lettered_with_the_reason_and_change_nothing()
    {
        var customer = $"gbm-batch-{Guid.NewGuid():N}";
        await system.Accounts.OpenAsync(customer, "pro");
        var good = Good(UsageFields(customer));
        var tooMany = "[" + string.Join(",", Enumerable.Range(0, 1001).Select(i => good.Replace("MARKER-e", $"MARKER-{i}"))) + "]";
        FieldRule[] fields =
        [
            new("batchId", J("@@ID@@"), NotAGuid),
            new("events", $"[{good}]", ["null", J("soon"), "{}", "[]", "[null]", "[42]", tooMany, Missing]),
        ];

        await ThrowAsync<UsageBatchRecorded>(For<UsageBatchRecorded>(fields), "usage-batch-recorded_error");

        await _bus!.Publisher.Publish(new UsageBatchRecorded
        {
            BatchId = NewId.NextGuid(),
            Events = [new UsageRecorded { CustomerId = customer, EventId = $"good-{customer}", Credits = 9, OccurredAt = DateTimeOffset.UtcNow }],
        });
        await Eventually.Get(() => system.Accounts.AvailableAsync(customer), a => a == 5000 - 9, because: "the good batch after the bad ones is debited");
    }

    [Fact]
    public async Task One_bad_event_in_a_batch_is_dead_lettered_alone_and_the_rest_is_applied()
    {
        string[] badEvents =
        [
            "null",
            Object([("customerId", J("CUSTOMER")), ("eventId", J("MARKER-bad\0")), ("credits", "1")]),
            Object([("customerId", J("CUSTOMER")), ("eventId", J("")), ("credits", "1"), ("feature", J("MARKER"))]),
            Object([("customerId", J("CUSTOMER\0")), ("eventId", J("MARKER-bad")), ("credits", "1")]),
            Object([("customerId", J("CUSTOMER")), ("eventId", J("MARKER-bad")), ("credits", "0")]),
            Object([("customerId", J("CUSTOMER")), ("eventId", J("MARKER-bad")), ("credits", "-3")]),
            Object([("customerId", J("CUSTOMER")), ("eventId", J("MARKER-bad")), ("credits", $"{LedgerLimits.MaxCredits + 1}")]),
            Object([("customerId", J("CUSTOMER")), ("eventId", J("MARKER-bad")), ("credits", "1"), ("feature", J(new string('f', 101)))]),
            Object([("customerId", J("CUSTOMER")), ("eventId", J("MARKER-bad" + new string('e', 200))), ("credits", "1")]),
        ];
        var gen = Gen.Select(Gen.Int[1, 40], Gen.Int[0, 40], Gen.Int[0, badEvents.Length - 1],
            (good, position, bad) => (Good: good, Position: Math.Min(position, good), Bad: badEvents[bad]));

        await gen.SampleAsync(async c =>
        {
            var batchId = Guid.NewGuid();
            var marker = "gbm" + batchId.ToString("N")[..12];
            var customer = $"gbm-one-{marker}";
            await system.Accounts.OpenAsync(customer, "pro");
            var events = Enumerable.Range(0, c.Good)
                .Select(i => Object([("customerId", J(customer)), ("eventId", J($"{marker}-{i}")), ("credits", "1")])).ToList();
            events.Insert(c.Position, c.Bad.Replace("CUSTOMER", customer).Replace("MARKER", marker));
            var body = RawBus.Envelope<UsageBatchRecorded>(batchId, Object([("batchId", J(batchId.ToString())), ("events", $"[{string.Join(",", events)}]")]));

            await Raw.PublishAsync(RawBus.Exchange<UsageBatchRecorded>(), batchId, body);

            await Eventually.Get(() => system.Accounts.AvailableAsync(customer), a => a == 5000 - c.Good, DeadLetterTimeout,
                $"the {c.Good} good events of the batch are debited");
            var letter = await Eventually.Get(() => Raw.FindDeadLetterAsync("usage-batch-recorded_error", batchId, marker), l => l is not null,
                DeadLetterTimeout, "the bad event is dead-lettered");
            Assert.False(string.IsNullOrWhiteSpace(letter!.Reason), $"a reason: {letter}");
            await Task.Delay(300);
            Assert.Single(await Raw.FindDeadLettersAsync("usage-batch-recorded_error", batchId, marker));
            Assert.Equal(5000 - c.Good, await system.Accounts.AvailableAsync(customer));
        }, iter: Iterations, threads: 2, print: c => $"{c.Good} good events, bad at {c.Position}: {c.Bad}");
    }

    /// <summary>
    /// The inbox recognises a redelivery by its message id, and single usage events are consumed in batches keyed on
    /// all their ids. An event without one (a hand-written envelope) is refused on its own with that reason, before it
    /// can fail the batch it would share with good events.
    /// </summary>
    [Fact]
    public async Task A_usage_event_without_a_message_id_is_dead_lettered_alone()
    {
        var customer = $"gbm-noid-{Guid.NewGuid():N}";
        await system.Accounts.OpenAsync(customer, "pro");
        var marker = "gbm" + Guid.NewGuid().ToString("N")[..12];
        var envelope = RawBus.Envelope<UsageRecorded>(null, Object([("customerId", J(customer)), ("eventId", J(marker)), ("credits", "1")]));

        // Good events on either side, published at once, so they share a batch with it.
        var good = Enumerable.Range(0, 10).Select(i => new UsageRecorded { CustomerId = customer, EventId = $"{marker}-good-{i}", Credits = 2 }).ToList();
        await _bus!.Publisher.PublishBatch(good.Take(5));
        await Raw.PublishAsync(RawBus.Exchange<UsageRecorded>(), null, envelope);
        await _bus.Publisher.PublishBatch(good.Skip(5));

        await Eventually.Get(() => system.Accounts.AvailableAsync(customer), a => a == 5000 - 20, DeadLetterTimeout,
            "the ten good events are debited");
        var letter = await Eventually.Get(() => Raw.FindDeadLetterAsync("usage-recorded_error", Guid.Empty, marker), l => l is not null,
            DeadLetterTimeout, "the event without a message id is dead-lettered");
        Assert.Contains("messageId", letter!.Reason ?? "");
        await Task.Delay(500);
        Assert.Single(await Raw.FindDeadLettersAsync("usage-recorded_error", Guid.Empty, marker));
        Assert.Equal(5000 - 20, await system.Accounts.AvailableAsync(customer));
    }

    [Fact]
    public async Task Bad_registrations_are_dead_lettered_with_the_reason_and_change_nothing()
    {
        FieldRule[] fields =
        [
            new("customerId", J("gbm-reg-MARKER"), CustomerId),
            new("email", J("MARKER@example.com"), [.. OptionalText(320), J("no-at-sign")]),
            new("name", J("MARKER"), OptionalText(256)),
            new("planId", J("hobby"), [.. OptionalText(128), J("")]),
        ];

        await ThrowAsync<RegisterCustomer>(For<RegisterCustomer>(fields), Saga<CustomerLifecycleState>());

        await Flows.RegisterAsync(SagaFlows.NewCustomerId("gbm-good"));
    }

    [Fact]
    public async Task Bad_plan_changes_are_dead_lettered_with_the_reason_and_change_nothing()
    {
        var customer = await RegisterAsync("gbm-plan");
        FieldRule[] fields =
        [
            new("operationId", J("@@ID@@"), RequiredGuid),
            new("customerId", J(customer.CustomerId), CustomerId),
            new("newPlanId", J("pro"), RequiredText(128)),
        ];

        await ThrowAsync<ChangePlan>(For<ChangePlan>(fields), Saga<CustomerLifecycleState>());

        var operation = await Flows.ChangePlanAsync(customer.CustomerId, "pro");
        await Eventually.Get(() => Flows.PlanChangeAsync(operation), p => p is not null, SagaFlows.StepTimeout, "the good plan change starts");
    }

    static FieldRule[] PurchaseFields(CustomerLifecycleState customer) =>
    [
        new("customerId", J(customer.CustomerId), CustomerId),
        new("stripeCustomerId", J(customer.StripeCustomerId!), RequiredText(128)),
        new("credits", "500", CreditsFaults),
        new("amount", "500", Amount),
        new("currency", J("usd"), Currency),
    ];

    [Fact]
    public async Task Bad_purchases_are_dead_lettered_with_the_reason_and_change_nothing()
    {
        var customer = await RegisterAsync("gbm-buy");
        FieldRule[] fields =
        [
            new("purchaseId", J("@@ID@@"), RequiredGuid),
            .. PurchaseFields(customer),
            new("useSavedCard", "false", NotABool),
        ];

        await ThrowAsync<PurchaseCredits>(For<PurchaseCredits>(fields), Saga<TopUpState>());

        var purchase = await Flows.PurchaseAsync(customer, credits: 500, amount: 500, savedCard: false);
        await Eventually.Get(() => Flows.TopUpAsync(purchase), p => p?.CheckoutUrl is not null, SagaFlows.StepTimeout, "the good purchase gets its checkout page");
    }

    [Fact]
    public async Task Bad_auto_top_up_settings_are_dead_lettered_with_the_reason_and_change_nothing()
    {
        var customer = await RegisterAsync("gbm-auto");
        FieldRule[] fields =
        [
            .. PurchaseFields(customer),
            new("enabled", "true", NotABool),
            new("threshold", "100", ["1.5", "-1", $"{LedgerLimits.MaxCredits + 1}", J("abc"), "null"]),
            new("monthlyCap", "1000", ["0", "-1", "1.5", J("abc")]),
        ];

        await ThrowAsync<ConfigureAutoTopUp>(For<ConfigureAutoTopUp>(fields), Saga<AutoTopUpState>());

        await _bus!.Publisher.Publish(new ConfigureAutoTopUp
        {
            CustomerId = customer.CustomerId, StripeCustomerId = customer.StripeCustomerId!, Threshold = 100, Credits = 500, Amount = 500,
        });
        await Eventually.True(async () =>
        {
            await using var db = system.Accounts.NewDbContext();
            return await db.Set<AutoTopUpState>().AnyAsync(s => s.CustomerId == customer.CustomerId);
        }, SagaFlows.StepTimeout, "the good setting is kept");
    }

    /// <summary>An active hobby customer whose first allowance is granted: nothing of its registration is still to be written.</summary>
    async Task<CustomerLifecycleState> RegisterAsync(string prefix)
    {
        var customer = await Flows.RegisterAsync(SagaFlows.NewCustomerId(prefix));
        await Eventually.Get(() => system.Accounts.AvailableOrNullAsync(customer.CustomerId), a => a == 200, SagaFlows.StepTimeout);
        return customer;
    }

    /// <summary>Publishes the generated bad messages and checks that each is dead-lettered with its reason and that nothing was written.</summary>
    async Task ThrowAsync<T>(Gen<BadMessage> messages, string errorQueue)
    {
        var before = await WrittenAsync();
        await messages.SampleAsync(async bad =>
        {
            var id = Guid.NewGuid();
            var marker = "gbm" + id.ToString("N")[..12];
            await Raw.PublishAsync(RawBus.Exchange<T>(), id, bad.Render(id, marker));

            var letter = await Eventually.Get(() => Raw.FindDeadLetterAsync(errorQueue, id, marker), l => l is not null, DeadLetterTimeout,
                $"{bad.Description} reaches {errorQueue}");
            Assert.False(string.IsNullOrWhiteSpace(letter!.Reason), $"{bad.Description}: the dead letter says why");
            if (bad.Mentions is { } field)
                Assert.True(letter.Reason!.Contains(field, StringComparison.OrdinalIgnoreCase),
                    $"{bad.Description}: the reason names {field}: {letter}");
        }, iter: Iterations, threads: 4, print: bad => bad.Description);
        Assert.Equal(before, await WrittenAsync());
    }

    /// <summary>What a message could have written: ledger rows, saga rows, operations, scheduled messages, Stripe objects.</summary>
    async Task<string> WrittenAsync()
    {
        await using var db = system.Accounts.NewDbContext();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        string[] tables = ["ledger_accounts", "ledger_entries", "ledger_grants", "ledger_reservations", "customer_lifecycle_saga",
            "plan_change_saga", "top_up_saga", "auto_top_up_saga", "operation_requests", "scheduled_message"];
        command.CommandText = "SELECT " + string.Join(" || ' ' || ", tables.Select(t => $"'{t}=' || (SELECT count(*) FROM {t})"));
        var rows = (string)(await command.ExecuteScalarAsync())!;
        var stripe = Flows.Stripe;
        var customers = (await stripe.V1.Customers.ListAsync(new() { Limit = 100 })).Data.Count;
        var sessions = (await stripe.V1.Checkout.Sessions.ListAsync(new() { Limit = 100 })).Data.Count;
        var intents = (await stripe.V1.PaymentIntents.ListAsync(new() { Limit = 100 })).Data.Count;
        return $"{rows} stripe customers={customers} sessions={sessions} payment_intents={intents}";
    }
}
