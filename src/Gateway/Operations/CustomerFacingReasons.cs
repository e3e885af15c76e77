using System.Text.RegularExpressions;

namespace Credits.Gateway.Operations;

/// <summary>
/// What a customer (the portal) and an app (/v1 operations and customers) are told about why a plan change, a purchase
/// or a registration failed. The sagas write their reasons (LastError, step outcomes) for operators: some carry an
/// exception's message (a fault's text, e.g. PostgreSQL's or Stripe.net's) or Stripe's raw error with ids, and the
/// operator console shows them as they are. Here they pass an allow-list: a reason is shown when it is one of the
/// sentences the sagas write, with the raw part cut out; anything else (a new wording, an unexpected text) becomes a
/// plain sentence for its kind. So a change in a saga can make a message vaguer, never leak one.
/// A card decline keeps Stripe's own message when it is one Stripe writes for cardholders ("Your card was declined.").
/// </summary>
public static partial class CustomerFacingReasons
{
    public const string PlanChangeFailed = "the plan change could not be completed";
    public const string PurchaseFailed = "the purchase could not be completed";
    public const string RegistrationFailed = "the registration could not be completed";
    public const string CardSetupFailed = "the card could not be saved";

    /// <summary>A plan change's reason (or the customer's, which repeats the last failed change's).</summary>
    public static string? ForPlanChange(string? reason) => reason is null ? null : Safe(reason) ?? PlanChangeFailed;

    public static string? ForPurchase(string? reason) => reason is null ? null : Safe(reason) ?? PurchaseFailed;

    public static string? ForCardSetup(string? reason) => reason is null ? null : Safe(reason) ?? CardSetupFailed;

    /// <summary>The customer lifecycle's reason: its registration's, or a plan change's that it keeps.</summary>
    public static string? ForCustomer(string? reason) => reason is null ? null : Safe(reason) ?? RegistrationFailed;

    /// <summary>One step outcome of a plan change ("1000 credits", "failed: ..."): known shapes only, raw parts cut, else empty.</summary>
    public static string StepOutcome(string outcome)
    {
        if (outcome.StartsWith(FailedPrefix, StringComparison.Ordinal))
            return FailedPrefix + (Safe(outcome[FailedPrefix.Length..]) ?? "see the operation's error");
        if (InDoubt().IsMatch(outcome)) return "in doubt after retries; reading Stripe's state";
        return SafeStep().IsMatch(outcome) ? outcome : "";
    }

    /// <summary>A raw step line ("&lt;time&gt; &lt;step&gt; &lt;outcome&gt;", as the portal lists them) with its outcome made safe.</summary>
    public static string StepLine(string line)
    {
        var parts = line.Split(' ', 3);
        return parts.Length == 3 ? $"{parts[0]} {parts[1]} {StepOutcome(parts[2])}".TrimEnd() : string.Join(' ', parts.Take(2));
    }

    const string FailedPrefix = "failed: ";

    /// <summary>The reason as it may be shown, or null when it is not a sentence the sagas are known to write.</summary>
    static string? Safe(string reason)
    {
        if (reason.Length > 1000 || reason.Contains('\n')) return null;
        // Two reasons joined by the compensation ("<why it failed>; restoring ... also failed, ...").
        if (Compound().Match(reason) is { Success: true } compound)
            return Safe(compound.Groups["first"].Value) is { } first && Compensation(compound.Groups["then"].Value) is { } then
                ? first + "; " + then
                : null;
        if (Kept().IsMatch(reason)) return reason;
        if (CardDecline().Match(reason) is { Success: true } decline)
            return IsCardholderMessage(decline.Groups["card"].Value)
                ? $"{decline.Groups["what"].Value}: {decline.Groups["card"].Value}"
                : decline.Groups["what"].Value;
        if (WithRawTail().Match(reason) is { Success: true } tail) return tail.Groups["said"].Value;
        if (WithRawDetail().Match(reason) is { Success: true } detail) return detail.Groups["before"].Value + detail.Groups["after"].Value;
        if (Disputed().IsMatch(reason)) return "the payment was disputed";
        if (PaidAfterCancel().IsMatch(reason)) return "paid after the purchase was cancelled; the credits are granted";
        return null;
    }

    /// <summary>What the compensation adds: "restoring ... also failed, ..." as it is, "the ledger could not be moved back ... (raw), ..." cut.</summary>
    static string? Compensation(string then) =>
        then == RestoringFailed ? then
        : WithRawDetail().Match(then) is { Success: true } m ? m.Groups["before"].Value + m.Groups["after"].Value
        : null;

    const string RestoringFailed = "restoring the previous items also failed, an operator must check the subscription";

    /// <summary>Stripe writes these for cardholders (card_error messages); our own decline texts are listed too.</summary>
    static bool IsCardholderMessage(string text) => text.Length <= 200 && CardholderMessage().IsMatch(text) && !StripeId().IsMatch(text);

    // Sentences the sagas write that carry nothing raw (ids of the customer's own Stripe objects and plan ids only).
    [GeneratedRegex("""
        ^(?:the\ upgrade's\ payment\ was\ declined\ \(or\ no\ card\ is\ saved\),\ so\ the\ previous\ plan\ was\ restored
          |the\ upgrade's\ payment\ was\ not\ confirmed\ within\ [\d:.]+,\ so\ the\ previous\ plan\ was\ restored
          |Stripe\ did\ not\ apply\ the\ (?:upgrade|downgrade)\ \(the\ previous\ items\ are\ in\ place\),\ so\ the\ plan\ was\ not\ changed
          |invoice\ [\w-]+\ is\ paid\ but\ the\ items\ match\ neither\ plan;\ an\ operator\ must\ check\ the\ subscription
          |the\ upgrade\ reached\ Stripe\ but\ invoice\ [\w-]+\ is\ \w+,\ so\ the\ previous\ plan\ was\ restored
          |the\ items\ match\ neither\ plan;\ an\ operator\ must\ check\ the\ subscription
          |(?:another\ plan\ change\ is\ in\ flight\ for\ this\ customer|the\ customer\ is\ not\ registered
            |the\ customer's\ registration\ has\ not\ completed|there\ is\ no\ plan\ '[^'\n]{0,100}'
            |the\ customer\ is\ already\ on\ '[^'\n]{0,100}'
            |a\ cancellation\ is\ in\ flight\ or\ scheduled\ for\ this\ customer(?:;\ resume\ the\ subscription\ first)?
            |the\ customer's\ subscription\ was\ cancelled;\ a\ cancelled\ customer\ cannot\ change\ plan)(?:\ \(operation\ [0-9a-f-]{36}\))?
          |the\ first\ invoice\ of\ plan\ '[^'\n]{0,100}'\ could\ not\ be\ paid\ \(no\ card\ on\ file,\ or\ it\ was\ declined\),\ so\ the\ subscription\ was\ cancelled;\ register\ on\ the\ free\ plan,\ add\ a\ card,\ then\ upgrade
          |the\ renewal\ is\ unpaid\ past\ its\ grace:\ overage\ is\ stopped\ until\ it\ is\ paid
          |the\ renewal\ is\ unpaid:\ overage\ is\ stopped\ until\ it\ is\ paid
          |the\ checkout\ session\ expired\ unpaid|the\ checkout\ session\ could\ not\ be\ created|the\ saved\ card\ could\ not\ be\ charged
          |the\ purchase\ was\ not\ paid\ within\ [\d:.]+
          |no\ card\ was\ given\ for\ the\ upgrade\ \(the\ card\ page\ expired\ or\ was\ not\ completed\ in\ time\),\ so\ the\ plan\ was\ not\ changed
          |the\ card\ page\ expired\ before\ a\ card\ was\ saved|no\ card\ was\ saved\ within\ [\d:.]+|the\ card\ page\ could\ not\ be\ created
          |the\ card\ was\ saved\ on\ Stripe's\ page\ but\ could\ not\ be\ made\ the\ default
          |the\ payment's\ outcome\ is\ not\ known\ yet\ \(\w+\);\ waiting\ for\ Stripe)$
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Kept();

    // "<what happened>: <an exception's or Stripe's text>": the text is cut.
    [GeneratedRegex("""
        ^(?<said>Stripe\ refused\ the\ change|the\ ledger\ could\ not\ move\ to\ the\ new\ plan,\ so\ the\ plan\ was\ not\ changed
          |the\ last\ overage\ could\ not\ be\ reported,\ so\ the\ plan\ was\ not\ changed
          |the\ Stripe\ customer\ could\ not\ be\ created|the\ subscription\ could\ not\ be\ created):\ .*$
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex WithRawTail();

    // "<what happened> (<an exception's text>)<what follows>": the parenthesis is cut.
    [GeneratedRegex("""
        ^(?<before>the\ upgrade\ was\ paid\ but\ its\ \d+\ credits\ could\ not\ be\ granted|Stripe's\ state\ could\ not\ be\ read
          |the\ ledger\ could\ not\ be\ moved\ back\ to\ [\w.-]+)\ \(.*\)(?<after>;\ an\ operator\ must\ (?:grant\ them|check\ the\ subscription)|,\ an\ operator\ must\ move\ it)$
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex WithRawDetail();

    [GeneratedRegex("""^(?<first>.+?);\ (?<then>the\ ledger\ could\ not\ be\ moved\ back\ to\ .*|restoring\ the\ previous\ items\ also\ failed,\ an\ operator\ must\ check\ the\ subscription)$""",
        RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Compound();

    [GeneratedRegex("^(?<what>the payment was declined|a card was declined on the checkout page|the payment failed): (?<card>.+)$")]
    private static partial Regex CardDecline();

    [GeneratedRegex(@"^(?:Your card[^\n]*|An error occurred while processing your card\.[^\n]*|there is no saved card to charge|the payment needs the customer \(requires_action\)|the payment was canceled|the payment failed)$")]
    private static partial Regex CardholderMessage();

    /// <summary>Something like an object or request id (req_..., pi_..., cus_...), which a cardholder message never has.</summary>
    [GeneratedRegex(@"\b[a-z]{2,8}_[A-Za-z0-9]{6,}\b")]
    private static partial Regex StripeId();

    [GeneratedRegex(@"^dispute [\w-]+: \d+ of the \d+ disputed credits were already spent$")]
    private static partial Regex Disputed();

    [GeneratedRegex(@"^paid after the purchase was cancelled \(.*\); the credits are granted$")]
    private static partial Regex PaidAfterCancel();

    [GeneratedRegex(@"^in doubt after retries \(.*\); reading Stripe's state$")]
    private static partial Regex InDoubt();

    // Step outcomes that carry nothing raw.
    [GeneratedRegex("""
        ^(?:(?:upgrade|downgrade)\ [\w.-]+\ ->\ [\w.-]+|done(?:,\ invoice\ [\w-]+\ \w+)?|sent(?:\ \(\w+\))?|paid\ with\ the\ update|until\ \S+|invoice\ [\w-]+\ paid|\d+\ credits|to\ [\w.-]+(?:,\ no\ allowance)?
          |overage\ \d+\ reported;\ sent\ \(create_prorations\)|the\ new\ plan's\ items\ are\ on\ Stripe(?:\ and\ paid\ \(invoice\ [\w-]+\))?
          |the\ previous\ items\ are\ back\ on\ Stripe|invoice\ [\w-]+\ was\ paid\ after\ all:\ the\ upgrade\ stands
          |still\ \w+\ after\ [\d:.]+;\ reading\ Stripe's\ state
          |card\ [\w-]+\ (?:on\ file|is\ the\ default)|no\ card\ on\ file:\ Checkout\ \(setup\ mode\)\ sent|waiting\ for\ the\ card\ on\ [\w-]+
          |card\ given\ on\ [\w-]+;\ making\ it\ the\ default)$
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex SafeStep();
}
