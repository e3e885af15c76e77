using Credits.Contracts.Customers;
using Credits.Contracts.PlanChanges;
using Credits.Contracts.TopUps;
using Credits.Contracts.Usage;
using Credits.Messaging;
using MassTransit;
using MassTransit.Configuration;

namespace Credits.Orchestrator.AppMessages;

/// <summary>
/// The first filter of every Orchestrator endpoint, before MassTransit routes the message to its type's pipe (where
/// a body that does not read as the type would fault with the JSON reader's innermost words, without the field): a message of an app-facing type that cannot be read as that type
/// (a wrong JSON type, a fraction or a number too big for its field, a null message) or breaks its rule
/// (<see cref="AppMessageRules"/>) never reaches a consumer or a saga, so no saga row, ledger entry or Stripe call
/// comes of it. It is refused with <see cref="InvalidMessageException"/>, which no retry policy retries: MassTransit
/// moves it to the endpoint's _error queue at once, the reason in MT-Fault-Message.
/// </summary>
public sealed class AppMessageCheck : IFilter<ConsumeContext>
{
    /// <summary>For <c>endpoint.AddPrePipeSpecification</c>: ahead of the message type router, once for all types.</summary>
    public static IPipeSpecification<ConsumeContext> Specification { get; } = new PipeSpecification();

    /// <summary>
    /// Each app-facing type and its check, the usage event first: it is most of the traffic, and a message is checked
    /// as the first of these types it carries and no other (one type lookup for a usage event, on the measured path).
    /// </summary>
    static readonly (Type Type, Func<ConsumeContext, string?> Check)[] Checks =
    [
        (typeof(UsageRecorded), c => Check<UsageRecorded>(c, null)),
        (typeof(UsageBatchRecorded), c => Check<UsageBatchRecorded>(c, AppMessageRules.Problem)),
        (typeof(RegisterCustomer), c => Check<RegisterCustomer>(c, AppMessageRules.Problem)),
        (typeof(ChangePlan), c => Check<ChangePlan>(c, AppMessageRules.Problem)),
        (typeof(PurchaseCredits), c => Check<PurchaseCredits>(c, AppMessageRules.Problem)),
        (typeof(ConfigureAutoTopUp), c => Check<ConfigureAutoTopUp>(c, AppMessageRules.Problem)),
    ];

    public Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        foreach (var (type, check) in Checks)
        {
            if (!context.HasMessageType(type)) continue;
            // The inbox recognises a redelivery by the message id. Single usage events are consumed in batches keyed
            // on all their ids (InboxKey), so one event without an id would fail the batch it shares with good ones.
            if (context.GetOriginalMessageId() is null)
                throw new InvalidMessageException($"the {type.Name} has no messageId: the inbox recognises a redelivery by it (MassTransit sets one on every publish)");
            if (check(context) is { } problem) throw new InvalidMessageException(problem);
            break;
        }
        return next.Send(context);
    }

    /// <summary>The message read as <typeparamref name="T"/> (MassTransit keeps it for the consumer), then its rule if it has one.</summary>
    static string? Check<T>(ConsumeContext context, Func<T, string?>? rule) where T : class
    {
        ConsumeContext<T>? typed;
        try
        {
            if (!context.TryGetMessage(out typed) || typed.Message is null) return $"the message is not a {typeof(T).Name}: it holds none";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The JSON reader's own words name the field it could not convert ("... Path: $.credits").
            return $"the message is not a {typeof(T).Name}: {JsonProblem(e).Message}";
        }
        return rule?.Invoke(typed.Message) is { } problem ? $"invalid {typeof(T).Name}: {problem}" : null;
    }

    static Exception JsonProblem(Exception e) =>
        e is System.Text.Json.JsonException || e.InnerException is null ? e : JsonProblem(e.InnerException);

    public void Probe(ProbeContext context) => context.CreateFilterScope("appMessageCheck");

    sealed class PipeSpecification : IPipeSpecification<ConsumeContext>
    {
        public void Apply(IPipeBuilder<ConsumeContext> builder) => builder.AddFilter(new AppMessageCheck());
        public IEnumerable<ValidationResult> Validate() => [];
    }
}
