using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Credits.ServiceDefaults;

public static class Catalog
{
    /// <summary>
    /// Plans and credit packs are configuration, not code: config/catalog.json, copied next to each
    /// host's binaries, read before appsettings and environment variables so a deployment can
    /// override any of it (e.g. Plans__pro__IncludedCredits=8000).
    /// </summary>
    public static IHostApplicationBuilder AddCatalogConfiguration(this IHostApplicationBuilder builder)
    {
        var sources = builder.Configuration.Sources;
        var catalog = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "catalog.json"), optional: false)
            .Sources[0];
        sources.Insert(0, catalog);
        return builder;
    }
}
