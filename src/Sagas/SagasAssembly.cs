namespace Credits.Sagas;

/// <summary>Marker for <c>ApplyConfigurationsFromAssembly</c> (the saga instance maps) and assembly scanning.</summary>
public sealed class SagasAssembly;
