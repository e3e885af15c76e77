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
}

public sealed class StripeFactDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions options, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var type = (testMethod.TestClass.Class as IReflectionTypeInfo)?.Type;
        string? skip = null;
        if (type is not null && typeof(IRunsAgainstRealStripe).IsAssignableFrom(type))
        {
            if (factAttribute.GetNamedArgument<bool>(nameof(StripeFactAttribute.EmulatorOnly)))
                skip = "Uses the emulator's control endpoints (/_emulator), which real Stripe does not have.";
            else if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(StripeTarget.KeyVariable)))
                skip = $"{StripeTarget.KeyVariable} is not set: the real-Stripe run of this test is skipped.";
        }
        yield return new StripeTestCase(diagnostics, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), testMethod, skip);
    }
}

public sealed class StripeTestCase : XunitTestCase
{
    private string? _skip;

    [Obsolete("Called by the de-serializer", error: true)]
    public StripeTestCase() { }

    public StripeTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod method, string? skip)
        : base(sink, display, displayOptions, method)
    {
        _skip = skip;
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) => _skip ?? base.GetSkipReason(factAttribute);

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("StripeSkip", _skip);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        base.Deserialize(data);
        _skip = data.GetValue<string>("StripeSkip");
    }
}
