using Xunit.Abstractions;
using Xunit.Sdk;

namespace Credits.StripeEmulator.Tests.Support;

/// <summary>Marks a test class whose tests run against real Stripe test mode.</summary>
public interface IRunsAgainstRealStripe;

/// <summary>
/// A Stripe-facing test. In a class marked <see cref="IRunsAgainstRealStripe"/> it is skipped, with the
/// reason, when STRIPE_TEST_SECRET_KEY is not set, or always when <see cref="EmulatorOnly"/> (it uses
/// the emulator's control endpoints).
/// </summary>
[XunitTestCaseDiscoverer("Credits.StripeEmulator.Tests.Support.StripeFactDiscoverer", "Credits.StripeEmulator.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StripeFactAttribute : FactAttribute
{
    public bool EmulatorOnly { get; set; }

    /// <summary>Why an <see cref="EmulatorOnly"/> test cannot run on real Stripe, when it is not the control endpoints.</summary>
    public string? EmulatorOnlyBecause { get; set; }
}

public sealed class StripeFactDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions options, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        yield return new StripeTestCase(diagnostics, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), testMethod);
    }
}

/// <summary>Works out its skip reason from its class and attribute, so it survives the runner's serialization.</summary>
public sealed class StripeTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer", error: true)]
    public StripeTestCase() { }

    public StripeTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod method)
        : base(sink, display, displayOptions, method) { }

    protected override string GetSkipReason(IAttributeInfo factAttribute)
    {
        var type = TestMethod.TestClass.Class.ToRuntimeType();
        if (type is null || !typeof(IRunsAgainstRealStripe).IsAssignableFrom(type)) return base.GetSkipReason(factAttribute);
        if (factAttribute.GetNamedArgument<bool>(nameof(StripeFactAttribute.EmulatorOnly)))
            return factAttribute.GetNamedArgument<string?>(nameof(StripeFactAttribute.EmulatorOnlyBecause))
                ?? "Uses the emulator's control endpoints (/_emulator), which real Stripe does not have.";
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(StripeTarget.KeyVariable)))
            return $"{StripeTarget.KeyVariable} is not set: the real-Stripe run of this test is skipped.";
        return base.GetSkipReason(factAttribute);
    }
}
