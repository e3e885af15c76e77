using Xunit;

namespace Credits.BrowserTests;

/// <summary>
/// One <see cref="BrowserSystem"/> for every class that needs no settings of its own. Starting a system (a database,
/// a virtual host, the Orchestrator, the Gateway, Chromium) took 35 to 45 seconds on the loaded CI machine, longer than
/// most classes' tests, and the classes run one at a time anyway (AssemblyInfo.cs). Each test works on customers,
/// purchases and events of its own (ids with a fresh suffix), so the classes do not see each other's rows; a test
/// that changes the shared system for a while (Stripe's faults) puts it back in a finally block. A class with settings
/// of its own keeps a system of its own (a subclass of <see cref="BrowserSystem"/> as its class fixture).
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedBrowserSystem : ICollectionFixture<BrowserSystem>
{
    public const string Name = "one browser system";
}
