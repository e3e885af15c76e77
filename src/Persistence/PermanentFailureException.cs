namespace Credits.Persistence;

/// <summary>
/// A message that can never succeed (invalid content, a rule it breaks): not retried, moved to the
/// endpoint's error queue at once with this message as the reason.
/// </summary>
public class PermanentFailureException(string message) : Exception(message);
