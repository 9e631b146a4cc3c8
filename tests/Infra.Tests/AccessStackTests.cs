using Infra.Tests.Support;

namespace Infra.Tests;

public class AccessStackTests
{
    [Fact]
    public async Task Smoke()
    {
        var run = await StackHarness.RunAsync(StackHarness.StackConfig());
        foreach (var r in run.Registered)
        {
            Console.WriteLine($"{r.Type} {r.Name} {string.Join(",", r.Inputs.Keys)}");
        }
    }
}
