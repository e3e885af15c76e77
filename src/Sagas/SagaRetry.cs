using Credits.Sagas.StateMachines;

namespace Credits.Sagas;

/// <summary>
/// Which saga states an operator may retry (RetrySagaStep), and why the others may not. One home for the rule: the
/// Gateway answers 409 with <see cref="WhyNot"/>, the state machines act on RetrySagaStep only in the states listed here
/// (and ignore it elsewhere, so a retry that races a state change does nothing). A retryable state is one whose failed
/// step is idempotent by its own key: sending it again never applies it twice.
/// </summary>
public static class SagaRetry
{
    /// <summary>Null when a saga of this kind in this state can be retried; else a sentence for the operator.</summary>
    public static string? WhyNot(string saga, string state) => (saga, state) switch
    {
        // The upgrade is paid and on Stripe; only the ledger grant failed. It is sent again with the same allowance
        // and key (plan-change:<op>:credits): the ledger applies it once.
        (PlanChangeStateMachine.SagaName, "GrantFailed") => null,
        (PlanChangeStateMachine.SagaName, "Completed") => "the plan change completed: there is nothing to retry",
        (PlanChangeStateMachine.SagaName, "Failed") =>
            "the plan change failed consistently (the previous plan is in place on Stripe and in the ledger): start a new change instead",
        (PlanChangeStateMachine.SagaName, "Rejected") => "the plan change was never started: start a new change instead",
        (PlanChangeStateMachine.SagaName, "CompensationFailed") =>
            "Stripe's subscription matched neither plan or could not be read: check the subscription in Stripe and correct it (and the credits) by hand; " +
            "repeating a Stripe write after the saga decided could change the subscription behind its back",
        (PlanChangeStateMachine.SagaName, _) => $"the plan change is still running ({state}); its own retries, redeliveries and deadline end it",

        // Paid; the grant of the purchased credits stalled (its fault ends nothing: the saga waits). Sent again under
        // the same key (top-up:<purchase>:grant).
        (TopUpStateMachine.SagaName, "Granting") => null,
        (TopUpStateMachine.SagaName, "Cancelled") =>
            "the purchase was not paid, so nothing was owed; a payment that arrives later is granted by the saga itself",
        (TopUpStateMachine.SagaName, "AwaitingPayment") => "the purchase is waiting for the customer's payment",
        (TopUpStateMachine.SagaName, _) => $"the purchase's credits were granted ({state}): there is no failed step to retry",

        (CustomerLifecycleStateMachine.SagaName, "RegistrationFailed") =>
            "a registration is not retried: its Stripe customer or subscription may exist, and creating them again after Stripe's " +
            "idempotency window (24 hours) would make a second one; register the customer under a new id",
        (CustomerLifecycleStateMachine.SagaName, _) =>
            "the customer saga has no failed step of its own: a stalled allowance step waits in start-allowance-period_error, redrive it",

        _ => $"'{saga}' sagas cannot be retried",
    };
}
