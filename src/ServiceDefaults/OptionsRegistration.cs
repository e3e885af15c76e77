using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Credits.ServiceDefaults;

public static class OptionsRegistration
{
    /// <summary>
    /// Binds a section to an options class, validates its data annotations (and IValidatableObject)
    /// when the host starts, so a missing or malformed setting stops the host with a message naming the key.
    /// </summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IHostApplicationBuilder builder, string section) where T : class =>
        builder.Services.AddOptions<T>()
            .Bind(builder.Configuration.GetSection(section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
}
