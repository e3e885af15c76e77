namespace Credits.Client;

public sealed partial class CreditsClient
{
    /// <summary>
    /// POST /v1/usage: up to 1,000 events debited at once, each applied, a duplicate or rejected on its own (see
    /// <see cref="UsageEventResult.Status"/>). A malformed request (a field that can never be stored or priced) is a
    /// <see cref="CreditsApiException"/> whose errors name the events, e.g. "events[2].credits"; nothing was recorded.
    /// </summary>
    public Task<RecordUsageResult> RecordUsageAsync(IReadOnlyList<UsageEvent> events, CancellationToken ct = default) =>
        SendAsync<RecordUsageResult>(Request(HttpMethod.Post, "/v1/usage", new { events }), ct);

    /// <summary>One event; its result.</summary>
    public async Task<UsageEventResult> RecordUsageAsync(UsageEvent usage, CancellationToken ct = default) =>
        (await RecordUsageAsync([usage], ct)).Results[0];
}
