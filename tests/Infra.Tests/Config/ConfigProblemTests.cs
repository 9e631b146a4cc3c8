using Infra.Config;

namespace Infra.Tests.Config;

public class ConfigProblemTests
{
    [Fact]
    public void One_problem_is_counted_in_the_singular()
    {
        var error = new ConfigValidationException([new ConfigProblem("auth0:domain", "is required.")]);

        Assert.Equal(
            "The stack config has 1 problem; nothing was deployed. Fix it and run again:" + Environment.NewLine + "  - auth0:domain: is required.",
            error.Message);
    }

    [Fact]
    public void A_missing_path_orders_as_the_empty_path_before_any_other()
    {
        var order = ConfigPathOrder.Instance;

        Assert.Equal(0, order.Compare(null, ""));
        Assert.Equal(0, order.Compare("", null));
        Assert.True(order.Compare(null, "auth0:domain") < 0);
        Assert.True(order.Compare("infra:apis", null) > 0);
        // Same tokens, so the shorter path (the parent) comes first.
        Assert.True(order.Compare("infra:clients[2]", "infra:clients[2].key") < 0);
        Assert.Equal(0, order.Compare("infra:clients[2].key", "infra:clients[2].key"));
    }
}
