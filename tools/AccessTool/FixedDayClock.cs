namespace Infra.Tool;

/// <summary>A clock stopped at the start of one UTC day: the tools check expiry dates as of a day the caller names.</summary>
internal sealed class FixedDayClock(DateOnly day) : TimeProvider
{
    /// <summary>The start of <c>day</c>, UTC.</summary>
    public override DateTimeOffset GetUtcNow() => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>Today, UTC, from the system clock.</summary>
    public static DateOnly Today() => DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
}
