using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Credits.ServiceDefaults;

/// <summary>
/// Secrets from files, so they need not sit in the environment (where `docker inspect` and child processes see them):
/// <list type="bullet">
/// <item>Key per file: every file in <c>SecretsDirectory</c> (default <c>/run/secrets</c>, where Docker and Kubernetes
/// mount secrets) is a setting named after the file, <c>__</c> separating sections: <c>/run/secrets/Stripe__SecretKey</c>.</item>
/// <item><c>NAME_FILE</c>: a setting of a section (a name with <c>__</c>) that ends in <c>_FILE</c> holds the path of the
/// file with the value of NAME, e.g. <c>Stripe__SecretKey_FILE=/run/secrets/stripe_key</c> (the convention of the
/// postgres and rabbitmq images). Names without a section (TF_CLI_CONFIG_FILE and the like) belong to other programs
/// and are left alone.</item>
/// </list>
/// Files win over environment variables. A trailing newline (as left by <c>echo</c> or an editor) is not part of the value.
/// A <c>_FILE</c> path that cannot be read stops the host with a message naming the setting.
/// </summary>
public static class SecretFiles
{
    public const string DirectorySetting = "SecretsDirectory";
    public const string DefaultDirectory = "/run/secrets";
    const string FileSuffix = "_FILE";

    public static IHostApplicationBuilder AddSecretFiles(this IHostApplicationBuilder builder)
    {
        var directory = builder.Configuration[DirectorySetting] is { Length: > 0 } configured ? configured : DefaultDirectory;
        if (Directory.Exists(directory))
            builder.Configuration.AddInMemoryCollection(KeyPerFile(directory));
        builder.Configuration.AddInMemoryCollection(NamedFiles(builder.Configuration));
        return builder;
    }

    /// <summary>File name -> setting (Stripe__SecretKey -> Stripe:SecretKey); hidden files (..data, .keep) are skipped.</summary>
    static Dictionary<string, string?> KeyPerFile(string directory) =>
        Directory.EnumerateFiles(directory)
            .Where(path => !Path.GetFileName(path).StartsWith('.'))
            .ToDictionary(path => Path.GetFileName(path).Replace("__", ConfigurationPath.KeyDelimiter), path => (string?)Read(path));

    static Dictionary<string, string?> NamedFiles(IConfiguration configuration)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, path) in configuration.AsEnumerable())
        {
            if (!key.EndsWith(FileSuffix, StringComparison.OrdinalIgnoreCase) || !key.Contains(ConfigurationPath.KeyDelimiter)
                || string.IsNullOrEmpty(path)) continue;
            var setting = key[..^FileSuffix.Length];
            try { values[setting] = Read(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException(
                    $"{key.Replace(ConfigurationPath.KeyDelimiter, "__")} names the file '{path}' for the setting {setting}, which cannot be read: {e.GetType().Name}.");
            }
        }
        return values;
    }

    static string Read(string path) => File.ReadAllText(path).TrimEnd('\r', '\n');
}
