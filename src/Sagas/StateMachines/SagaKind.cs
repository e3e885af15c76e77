using Credits.Contracts.PlanChanges;
using MassTransit;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// Messages that several kinds of saga consume, yet only one kind can be waiting for, name that kind: a saved card its
/// saver (<see cref="Contracts.Customers.CardSaved.Source"/>: card setup, plan change or top-up), a ledger step's answer
/// the saga that asked (<c>Requester</c>: plan change or cancellation). The other kinds drop it before their transaction
/// (<see cref="RelevantOnlyFilter{TMessage}"/>). A message that names no kind goes through (a sender from before the
/// field was said): the saga's lookup decides.
/// </summary>
static class SagaKind
{
    public static bool MayBe(string named, string sagaName) => named.Length == 0 || named == sagaName;

    public const string CardSavedByAnother = "card saved by another kind of operation";
    public const string AnswerToAnother = "an answer to another kind of saga";

    /// <summary>
    /// For a saga that asks the ledger steps (<see cref="GrantPlanChangeCredits"/>, <see cref="ReportFinalOverage"/>) with
    /// its kind as <c>Requester</c>: only the answers to its kind reach its transaction.
    /// </summary>
    public static void OnlyLedgerAnswersTo<TSaga>(this ISagaConfigurator<TSaga> saga, string sagaName) where TSaga : class, ISaga
    {
        saga.Only<TSaga, PlanChangeCreditsGranted>(m => MayBe(m.Requester, sagaName), AnswerToAnother);
        saga.Only<TSaga, FinalOverageReported>(m => MayBe(m.Requester, sagaName), AnswerToAnother);
    }
}
