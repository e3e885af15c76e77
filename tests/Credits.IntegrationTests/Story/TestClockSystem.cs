namespace Credits.IntegrationTests.Story;

/// <summary>The system with a Stripe test clock per customer, so a test can move one customer's billing through periods.</summary>
public sealed class TestClockSystem : SystemUnderTest
{
    protected override void Configure(Dictionary<string, string> environment)
    {
        environment["Catalog__TestClockPerCustomer"] = "true";
        environment["Metering__FlushInterval"] = "00:00:01";
    }
}
