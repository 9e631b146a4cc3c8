using Infra.Tool;
using Infra.Tool.Rendering;
using Infra.Tool.Verify;

// Progress of long runs goes to standard error, live only when that is an interactive terminal.
return await AccessToolCommand.Create(Environment.CurrentDirectory, ReportConsole.ForProgress(), VerifyConnections.Azure).Parse(args).InvokeAsync().ConfigureAwait(false);
