using Credits.Contracts.Customers;

namespace Credits.Sagas.StateMachines;

/// <summary>
/// Which kind of operation saved a card: <see cref="CardSaved.Source"/> names it (card setup, plan change or top-up), and
/// only an operation of that kind can be waiting for it, so the others drop it before their transaction
/// (<see cref="RelevantOnlyFilter{TMessage}"/>). A message that names no saver goes through: the saga's lookup decides.
/// </summary>
static class CardSaver
{
    public static bool MayBe(CardSaved saved, string sagaName) => saved.Source.Length == 0 || saved.Source == sagaName;

    public const string Another = "card saved by another kind of operation";
}
