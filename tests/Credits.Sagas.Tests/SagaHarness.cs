using Credits.Sagas.StateMachines;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Credits.Sagas.Tests;

/// <summary>
/// The in-memory harness with the Credits sagas and one consumer (the card check): tests play the others by publishing
/// their answers, and read the commands the sagas published. Delays run on the harness's own scheduler.
/// </summary>
public sealed class SagaHarness : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private SagaHarness(ServiceProvider provider) => _provider = provider;

    public ITestHarness Bus => _provider.GetRequiredService<ITestHarness>();

    public ISagaStateMachineTestHarness<PlanChangeStateMachine, PlanChangeState> PlanChanges =>
        Bus.GetSagaStateMachineHarness<PlanChangeStateMachine, PlanChangeState>();

    public ISagaStateMachineTestHarness<CustomerLifecycleStateMachine, CustomerLifecycleState> Customers =>
        Bus.GetSagaStateMachineHarness<CustomerLifecycleStateMachine, CustomerLifecycleState>();

    public ISagaStateMachineTestHarness<TopUpStateMachine, TopUpState> TopUps =>
        Bus.GetSagaStateMachineHarness<TopUpStateMachine, TopUpState>();

    public ISagaStateMachineTestHarness<AutoTopUpStateMachine, AutoTopUpState> AutoTopUps =>
        Bus.GetSagaStateMachineHarness<AutoTopUpStateMachine, AutoTopUpState>();

    public ISagaStateMachineTestHarness<CancellationStateMachine, CancellationState> Cancellations =>
        Bus.GetSagaStateMachineHarness<CancellationStateMachine, CancellationState>();

    public CancellationStateMachine CancellationMachine => _provider.GetRequiredService<CancellationStateMachine>();
    public AutoTopUpStateMachine AutoTopUpMachine => _provider.GetRequiredService<AutoTopUpStateMachine>();
    public TopUpStateMachine TopUpMachine => _provider.GetRequiredService<TopUpStateMachine>();
    public PlanChangeStateMachine PlanChangeMachine => _provider.GetRequiredService<PlanChangeStateMachine>();
    public CustomerLifecycleStateMachine CustomerMachine => _provider.GetRequiredService<CustomerLifecycleStateMachine>();
    public CardSetupStateMachine CardSetupMachine => _provider.GetRequiredService<CardSetupStateMachine>();

    public ISagaStateMachineTestHarness<CardSetupStateMachine, CardSetupState> CardSetups =>
        Bus.GetSagaStateMachineHarness<CardSetupStateMachine, CardSetupState>();

    public static async Task<SagaHarness> Start(TimeSpan? paymentTimeout = null, TimeSpan? abandonAfter = null, TimeSpan? downgradeLeadTime = null,
        TimeSpan? renewalGrace = null, TimeSpan? planChangeDeadline = null, AutoTopUpOptions? autoTopUp = null, TimeProvider? clock = null,
        TimeSpan? cardCollectionTimeout = null, TimeSpan? cardSetupAbandonAfter = null, string defaultPlanId = "hobby",
        TimeSpan? cancellationLeadTime = null)
    {
        var provider = new ServiceCollection()
            .AddSingleton(autoTopUp ?? new AutoTopUpOptions())
            .AddSingleton(clock ?? TimeProvider.System)
            .AddSingleton(new PlanChangeOptions
            {
                PaymentConfirmationTimeout = paymentTimeout ?? TimeSpan.FromMinutes(15),
                DowngradeLeadTime = downgradeLeadTime ?? TimeSpan.Zero,
                Deadline = planChangeDeadline ?? TimeSpan.FromHours(2),
                CardCollectionTimeout = cardCollectionTimeout ?? TimeSpan.FromHours(1),
            })
            .AddSingleton(new CardSetupOptions { AbandonAfter = cardSetupAbandonAfter ?? TimeSpan.FromMinutes(75) })
            .AddSingleton(new TopUpOptions { AbandonAfter = abandonAfter ?? TimeSpan.FromHours(24) })
            .AddSingleton(new CustomerLifecycleOptions
            {
                RenewalGrace = renewalGrace ?? TimeSpan.Zero, CancellationLeadTime = cancellationLeadTime ?? TimeSpan.FromMinutes(10),
            })
            .AddSingleton<IPlanCatalog>(new TestCatalog(defaultPlanId))
            .AddMassTransitTestHarness(x =>
            {
                x.AddDelayedMessageScheduler();
                x.AddCreditsSagas();
                // The one step answered for the tests: an upgrade's card check (CardOnFileAnswer), so every upgrade reaches its
                // Stripe update as before; a Stripe customer id containing "nocard" has none.
                x.AddConsumer<CardOnFileAnswer>();
                // As in production (the transactional outbox), a saga's messages leave only after its state is saved;
                // otherwise a fast reply could find the saga still in its previous state.
                x.AddConfigureEndpointsCallback((context, _, endpoint) => endpoint.UseInMemoryOutbox(context));
                x.UsingInMemory((context, cfg) =>
                {
                    cfg.UseDelayedMessageScheduler();
                    cfg.ConfigureEndpoints(context);
                });
            })
            .BuildServiceProvider(true);
        var harness = new SagaHarness(provider);
        // A wait for what should come, not a speed limit: under a loaded CI machine a saga step took longer than 5 s.
        harness.Bus.TestTimeout = TimeSpan.FromSeconds(20);
        await harness.Bus.Start();
        return harness;
    }

    /// <summary>
    /// Waits for a matching published message. Polls rather than trusting the harness's inactivity detection,
    /// which can declare the bus idle while a saga's outbox has yet to deliver.
    /// </summary>
    public async Task<T> PublishedOne<T>(Func<T, bool> filter) where T : class
    {
        T? found = null;
        await Until(() => (found = Bus.Published.Select<T>(m => filter(m.Context.Message)).FirstOrDefault()?.Context.Message) is not null,
            $"no {typeof(T).Name} was published");
        return found!;
    }

    /// <summary>Waits until <paramref name="count"/> messages of type T were consumed, so a test can check what a duplicate did.</summary>
    public Task WaitForConsumed<T>(int count) where T : class =>
        Until(() => Bus.Consumed.Select<T>().Count() >= count, $"{typeof(T).Name} was not consumed {count} times");

    /// <summary>
    /// Waits until <paramref name="saga"/> has consumed a matching message. The saga harness records a message only
    /// after the saga's behaviour has run to its end, while the in-memory repository hands out the live instance the
    /// saga is still changing: read an instance's fields after this, not by polling one of them.
    /// </summary>
    public Task WaitForSagaConsumed<TSaga, T>(ISagaTestHarness<TSaga> saga, Func<T, bool> filter) where TSaga : class, ISaga where T : class =>
        Until(() => saga.Consumed.Select<T>(m => filter(m.Context.Message)).Any(), $"{typeof(TSaga).Name} did not consume the {typeof(T).Name}");

    /// <summary>Polls <paramref name="done"/> every 20 ms for up to the bus's test timeout; fails with <paramref name="failure"/>.</summary>
    async Task Until(Func<bool> done, string failure)
    {
        var deadline = DateTime.UtcNow + Bus.TestTimeout;
        while (!done())
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException(failure);
            await Task.Delay(20);
        }
    }

    public async Task<int> PublishedCount<T>(Func<T, bool> filter) where T : class =>
        await Bus.Published.SelectAsync<T>(m => filter(m.Context.Message)).Count();

    public async ValueTask DisposeAsync()
    {
        await Bus.Stop();
        await _provider.DisposeAsync();
    }

    private sealed class CardOnFileAnswer : IConsumer<Contracts.Customers.CheckCardOnFile>
    {
        public Task Consume(ConsumeContext<Contracts.Customers.CheckCardOnFile> context) =>
            context.Publish(new Contracts.Customers.CardOnFileChecked
            {
                OperationId = context.Message.OperationId,
                PaymentMethodId = context.Message.StripeCustomerId.Contains("nocard", StringComparison.Ordinal) ? null : "pm_on_file",
            });
    }

    private sealed class TestCatalog(string defaultPlanId) : IPlanCatalog
    {
        public string DefaultPlanId => defaultPlanId;
        public Contracts.PlanChanges.PlanTerms? Find(string planId) =>
            planId == Plans.Hobby.PlanId ? Plans.Hobby : planId == Plans.Pro.PlanId ? Plans.Pro : null;
        public Contracts.PlanChanges.PlanTerms? FindByFlatPrice(string priceId) =>
            priceId == Plans.Hobby.FlatPriceId ? Plans.Hobby : priceId == Plans.Pro.FlatPriceId ? Plans.Pro : null;
    }
}
