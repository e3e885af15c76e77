using System.Net.Http.Json;
using System.Text.Json;
using Credits.Testing;

namespace Credits.IntegrationTests.Story;

/// <summary>The system with a Stripe test clock per customer, so a test can move one customer's billing through periods.</summary>
public sealed class TestClockSystem : SystemUnderTest
{
    /// <summary>How long one step of a customer's story may take on a loaded machine.</summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(90);

    protected override void Configure(Dictionary<string, string> environment)
    {
        environment["Catalog__TestClockPerCustomer"] = "true";
        environment["Metering__FlushInterval"] = "00:00:01";
    }

    /// <summary>Moves a customer's test clock to <paramref name="to"/> and waits until Stripe has run everything due by then.</summary>
    public async Task AdvanceClockAsync(string testClock, DateTimeOffset to)
    {
        var stripe = Stripe.CreateClient();
        await stripe.V1.TestHelpers.TestClocks.AdvanceAsync(testClock, new() { FrozenTime = to.UtcDateTime });
        await Eventually.Get(() => stripe.V1.TestHelpers.TestClocks.GetAsync(testClock), c => c.Status == "ready", StepTimeout, "the test clock settles");
    }

    /// <summary>GETs <paramref name="path"/> until its JSON satisfies <paramref name="until"/>; on a timeout, the Orchestrator's last output.</summary>
    public async Task<JsonElement> EventuallyAsync(HttpClient http, string path, Func<JsonElement, bool> until, string because)
    {
        try
        {
            return (await Eventually.Get(async () =>
            {
                var response = await http.GetAsync(path);
                return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : (JsonElement?)null;
            }, body => body is { } b && until(b), StepTimeout, because))!.Value;
        }
        catch (TimeoutException e)
        {
            var log = Orchestrator.Output;
            throw new TimeoutException($"{e.Message}\nOrchestrator output (tail):\n{log[Math.Max(0, log.Length - 8000)..]}", e);
        }
    }
}
