using Spectre.Console;

namespace Infra.Tool.Rendering;

/// <summary>
/// The consoles the text reports are written to: colour and Unicode on an interactive terminal, plain ASCII text
/// in a file, a pipe or CI.
/// </summary>
public static class ReportConsole
{
    /// <summary>
    /// Wide enough that no line of a report wraps when it goes to a file or a pipe: a terminal wraps at its own
    /// width, but a log wrapped at an invented one is harder to read and to search.
    /// </summary>
    public const int PlainWidth = 4096;

    /// <summary>A console on <paramref name="writer"/> that detects what the terminal behind it (if any) supports.</summary>
    public static IAnsiConsole Detect(TextWriter writer) => Detect(writer, new AnsiConsoleOutput(writer).IsTerminal);

    /// <summary>
    /// A console on <paramref name="writer"/>: what the terminal supports when <paramref name="isTerminal"/>, plain
    /// text otherwise.
    /// </summary>
    public static IAnsiConsole Detect(TextWriter writer, bool isTerminal)
        // Spectre.Console takes a UTF-8 pipe for a Unicode terminal, and any writer but the standard ones for a
        // colour terminal when TERM says so: a file, a pipe or a CI log gets plain ASCII instead.
        => isTerminal
            ? AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.Detect,
                ColorSystem = ColorSystemSupport.Detect,
                Interactive = InteractionSupport.Detect,
                Out = new AnsiConsoleOutput(writer),
            })
            : Plain(writer);

    /// <summary>
    /// The console progress goes to: standard error, so that the report on standard output stays whole in a file
    /// or a pipe. It counts as interactive when standard error is a terminal, whatever standard output is
    /// (Spectre.Console's own detection also wants standard input and output to be terminals).
    /// </summary>
    public static IAnsiConsole ForProgress() => ForProgress(Console.Error, interactive: !Console.IsErrorRedirected);

    /// <summary>A console for progress on <paramref name="writer"/>, live only when <paramref name="interactive"/>.</summary>
    public static IAnsiConsole ForProgress(TextWriter writer, bool interactive) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.Detect,
        ColorSystem = ColorSystemSupport.Detect,
        Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        Out = new AnsiConsoleOutput(writer),
    });

    /// <summary>A console writing plain ASCII text without colour to <paramref name="writer"/>, whatever TERM says.</summary>
    public static IAnsiConsole Plain(TextWriter writer) => Plain(AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
        Out = new AnsiConsoleOutput(writer),
    }));

    /// <summary>What <paramref name="write"/> writes, as plain text.</summary>
    public static string PlainText(Action<IAnsiConsole> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        write(Plain(writer));
        return writer.ToString();
    }

    /// <summary>The tree guide the console can draw: lines on a Unicode terminal, ASCII elsewhere.</summary>
    public static TreeGuide Guide(IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);

        // Spectre.Console's line guide has no ASCII fallback of its own.
        return console.Profile.Capabilities.Unicode ? TreeGuide.Line : TreeGuide.Ascii;
    }

    /// <summary>An arrow the console can draw.</summary>
    public static string Arrow(IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        return console.Profile.Capabilities.Unicode ? "→" : "->";
    }

    private static IAnsiConsole Plain(IAnsiConsole console)
    {
        console.Profile.Capabilities.Unicode = false;
        console.Profile.Width = PlainWidth;
        return console;
    }
}
