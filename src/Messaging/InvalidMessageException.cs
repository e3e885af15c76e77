namespace Credits.Messaging;

/// <summary>
/// A message that can never be consumed as it is (not the message type it claims to be, a required field missing,
/// a value out of range): retrying cannot help, so every retry policy ignores it and MassTransit moves the message
/// to the endpoint's _error queue at once, with <see cref="Exception.Message"/> as its MT-Fault-Message header.
/// </summary>
public sealed class InvalidMessageException(string message) : Exception(message);
