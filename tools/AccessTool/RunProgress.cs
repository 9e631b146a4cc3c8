namespace Infra.Tool;

/// <summary>How far a long run has got: for a progress display, never part of a report.</summary>
/// <param name="Done">Steps done.</param>
/// <param name="Total">Steps in all, when known.</param>
/// <param name="Current">What the run is doing now, in words.</param>
public readonly record struct RunProgress(int Done, int? Total, string Current);
