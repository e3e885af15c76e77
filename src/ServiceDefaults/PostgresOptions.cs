using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace Credits.ServiceDefaults;

/// <summary>Where the ledger, the sagas and the outbox live. Section "Postgres".</summary>
public sealed class PostgresOptions : IValidatableObject
{
    public const string Section = "Postgres";

    /// <summary>Npgsql connection string; from the environment (Postgres__ConnectionString) or user secrets, never committed.</summary>
    [Required(ErrorMessage = "Postgres:ConnectionString is required (environment variable Postgres__ConnectionString).")]
    public string ConnectionString { get; set; } = "";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString)) yield break;
        string? error = null;
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            if (string.IsNullOrEmpty(builder.Host)) error = "Postgres:ConnectionString has no Host.";
        }
        catch (ArgumentException e)
        {
            error = $"Postgres:ConnectionString is malformed: {e.Message}";
        }
        if (error is not null) yield return new ValidationResult(error, [nameof(ConnectionString)]);
    }
}
