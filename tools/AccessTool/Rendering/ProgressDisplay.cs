using Spectre.Console;

namespace Infra.Tool.Rendering;

/// <summary>Live progress of a long run (the plan of a large stack, verify over many clients), only where someone watches.</summary>
public static class ProgressDisplay
{
    /// <summary>
    /// Whether <paramref name="console"/> shows live progress: an interactive terminal that takes ANSI codes, the
    /// same condition under which Spectre.Console animates. Elsewhere (a pipe, a file, CI) it would only print
    /// lines of status into the log, so nothing is shown at all.
    /// </summary>
    public static bool Shows(IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        return console.Profile.Capabilities is { Interactive: true, Ansi: true };
    }

    /// <summary>
    /// Runs <paramref name="work"/>, handing it a progress sink that drives a transient display titled
    /// <paramref name="title"/> on <paramref name="console"/>, or null (and writing nothing) where none is shown.
    /// </summary>
    public static async Task<T> RunAsync<T>(IAnsiConsole console, string title, Func<IProgress<RunProgress>?, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!Shows(console))
        {
            return await work(null).ConfigureAwait(false);
        }

        var progress = new Progress(console) { AutoClear = true }
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn());
        return await progress.StartAsync(async context =>
        {
            var task = context.AddTask(Markup.Escape(title));
            task.IsIndeterminate = true;
            return await work(new TaskProgress(task, title)).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>Moves one Spectre.Console task; safe from any thread, as the plan's registrations come from many.</summary>
    private sealed class TaskProgress(ProgressTask task, string title) : IProgress<RunProgress>
    {
        public void Report(RunProgress value)
        {
            if (value.Total is { } total)
            {
                task.IsIndeterminate = false;
                task.MaxValue = Math.Max(total, 1);
                task.Value = value.Done;
            }

            task.Description = Markup.Escape(value.Current.Length == 0 ? title : $"{title}: {value.Current}");
        }
    }
}
