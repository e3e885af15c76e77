using Credits.Sagas.StateMachines;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Credits.Sagas;

public static class SagaRegistrationExtensions
{
    /// <summary>
    /// Registers the Credits state machines with their definitions. The host must also register an
    /// <see cref="IPlanCatalog"/> and may register <see cref="PlanChangeOptions"/>, <see cref="TopUpOptions"/> and <see cref="CustomerLifecycleOptions"/> (defaults otherwise), choose
    /// the saga repository (<c>SetPostgresSagaRepositoryProvider</c>) and a scheduler for Schedule/Unschedule.
    /// </summary>
    public static IBusRegistrationConfigurator AddCreditsSagas(this IBusRegistrationConfigurator x)
    {
        x.TryAddSingleton(new PlanChangeOptions());
        x.TryAddSingleton(new TopUpOptions());
        x.TryAddSingleton(new CustomerLifecycleOptions());
        x.TryAddSingleton(new AutoTopUpOptions());
        x.TryAddSingleton(TimeProvider.System);
        x.TryAddSingleton(new CardSetupOptions());
        x.AddSagaStateMachine<CustomerLifecycleStateMachine, CustomerLifecycleState, CustomerLifecycleStateMachineDefinition>();
        x.AddSagaStateMachine<PlanChangeStateMachine, PlanChangeState, PlanChangeStateMachineDefinition>();
        x.AddSagaStateMachine<CancellationStateMachine, CancellationState, CancellationStateMachineDefinition>();
        x.AddSagaStateMachine<TopUpStateMachine, TopUpState, TopUpStateMachineDefinition>();
        x.AddSagaStateMachine<AutoTopUpStateMachine, AutoTopUpState, AutoTopUpStateMachineDefinition>();
        x.AddSagaStateMachine<CardSetupStateMachine, CardSetupState, CardSetupStateMachineDefinition>();
        return x;
    }
}
