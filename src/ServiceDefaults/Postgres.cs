using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Credits.ServiceDefaults;

public static class Postgres
{
    /// <summary>
    /// One NpgsqlDataSource (connection pool) per host, built from validated options, with statements prepared and
    /// planned per execution unless the connection string says otherwise (<see cref="PreparedStatements"/>).
    /// </summary>
    public static IHostApplicationBuilder AddPostgres(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<PostgresOptions>(PostgresOptions.Section);
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PostgresOptions>>().Value;
            var dataSource = new NpgsqlDataSourceBuilder(options.ConnectionString);
            PreparedStatements.ApplyDefaults(dataSource.ConnectionStringBuilder, options.ConnectionString);
            dataSource.UseLoggerFactory(sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>());
            return dataSource.Build();
        });
        return builder;
    }
}
