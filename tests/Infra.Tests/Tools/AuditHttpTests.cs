using System.Net;
using Infra.Tests.Support;
using Infra.Tool;
using Infra.Tool.Audit;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Infra.Tests.Tools;

/// <summary>The audit's HTTP pieces: its credentials, the token request, the rate limit and the 429 waits, at their limits.</summary>
public class AuditHttpTests
{
    private static StackConfig Dev => StackHarness.StackFile();

    [Theory]
    [InlineData("id", "secret", true)]
    [InlineData("id", "", false)]
    [InlineData("", "secret", false)]
    [InlineData(null, "secret", false)]
    [InlineData("id", null, false)]
    public void Credentials_come_from_both_variables_or_not_at_all(string? id, string? secret, bool found)
    {
        using var scope = new EnvironmentScope(new Dictionary<string, string?> { [AuditCredentials.ClientIdVariable] = id, [AuditCredentials.ClientSecretVariable] = secret });

        var credentials = AuditCredentials.FromEnvironment();

        Assert.Equal(found ? "id [secret]" : null, credentials?.ToString());
    }

    [Theory]
    [InlineData(300, false)]
    [InlineData(301, true)]
    public async Task A_refused_token_request_shows_auth0s_answer_up_to_300_characters(int length, bool shortened)
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Publish();
        var body = new string('x', length - 1) + "y";
        tenant.Server.Given(Request.Create().WithPath("/oauth/token").UsingPost()).AtPriority(0).RespondWith(Response.Create().WithStatusCode(403).WithBody(body));

        var e = await Assert.ThrowsAsync<AuditConnectionException>(() => TenantAudit.RunAsync(Dev, AuditFakeTenant.Credentials, tenant.Options()));

        var shown = shortened ? new string('x', 300) + "…" : body;
        Assert.Equal($"The tenant refused the audit client's token request (403): {shown}. Check AUTH0_AUDIT_CLIENT_ID, AUTH0_AUDIT_CLIENT_SECRET and that the client is authorised for the Management API.", e.Message);
        var request = Assert.Single(tenant.Requests).RequestMessage;
        Assert.Equal(
            $$"""{"client_id":"{{AuditFakeTenant.ClientId}}","client_secret":"{{AuditFakeTenant.Secret}}","audience":"https://{{AuditFakeTenant.Domain}}/api/v2/","grant_type":"client_credentials"}""",
            request.Body);
    }

    [Theory]
    [InlineData("""{"token_type":"Bearer"}""")]
    [InlineData("""{"access_token":""}""")]
    public async Task A_token_response_without_a_token_fails_before_any_management_request(string answer)
    {
        using var tenant = AuditFakeTenant.MatchingDev();
        tenant.Publish();
        tenant.Server.Given(Request.Create().WithPath("/oauth/token").UsingPost()).AtPriority(0)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(answer));

        var e = await Assert.ThrowsAsync<AuditConnectionException>(() => TenantAudit.RunAsync(Dev, AuditFakeTenant.Credentials, tenant.Options()));

        Assert.Equal("The token response had no access_token.", e.Message);
        Assert.Single(tenant.Requests);
    }

    [Fact]
    public void The_token_request_is_sent_with_its_secret_and_never_shows_it_as_text()
    {
        var request = new ManagementToken.TokenRequest("audit-client", "s3cr3t-Qx7Lm2", "https://acme-dev.eu.auth0.com/api/v2/");

        Assert.Equal("audit-client [secret]", request.ToString());
        Assert.Equal(
            """{"client_id":"audit-client","client_secret":"s3cr3t-Qx7Lm2","audience":"https://acme-dev.eu.auth0.com/api/v2/","grant_type":"client_credentials"}""",
            System.Text.Json.JsonSerializer.Serialize(request));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_rate_of_zero_or_less_is_refused(double rate)
    {
        using var inner = new HttpClientHandler();

        Assert.Equal("maxRequestsPerSecond", Assert.Throws<ArgumentOutOfRangeException>(() => new ClientRateLimitHandler(rate, inner)).ParamName);
    }

    [Fact]
    public async Task A_disposed_rate_limit_releases_what_it_holds_and_lets_nothing_through()
    {
        // Disposing releases the limiter (its replenishing timer) and the handler behind it: a request after it is
        // refused at the limiter, before it is counted; with the limiter still alive it would be counted and
        // refused only further in.
        var inner = new Answers(() => new HttpResponseMessage(HttpStatusCode.OK));
        var handler = new ClientRateLimitHandler(1000, inner);
        using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        handler.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://acme-dev.eu.auth0.com/api/v2/clients"), CancellationToken.None));

        Assert.Equal((0, true), (handler.Sent, inner.Released));
    }

    [Fact]
    public async Task Out_of_retries_the_429_goes_up_after_exactly_max_retries_waits()
    {
        var clock = new RecordingClock();
        var inner = new Answers(() => TooMany());
        using var client = new HttpClient(new RetryAfterHandler(inner, maxRetries: 2, maxWait: TimeSpan.FromSeconds(60), clock));

        using var response = await client.GetAsync(new Uri("http://tenant.invalid/api/v2/clients"));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(3, inner.Sent);
        // Neither header: one second, then two.
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], clock.Waits);
        Assert.Equal(2, inner.Disposed);
    }

    [Theory]
    [InlineData("7", null, 60, 7)]
    [InlineData("90", null, 60, 60)]
    [InlineData("60", null, 60, 60)]
    [InlineData(null, 45, 60, 45)]
    [InlineData(null, 0, 60, 1)]
    [InlineData("0", 20, 60, 20)]
    public async Task A_429_is_waited_out_as_its_headers_ask_up_to_the_longest_wait(string? retryAfter, int? resetInSeconds, int maxWaitSeconds, int expectedSeconds)
    {
        var clock = new RecordingClock();
        var calls = 0;
        var inner = new Answers(() => calls++ == 0 ? TooMany(retryAfter, resetInSeconds is { } r ? clock.GetUtcNow().AddSeconds(r) : null) : new HttpResponseMessage(HttpStatusCode.OK));
        using var client = new HttpClient(new RetryAfterHandler(inner, maxRetries: 5, maxWait: TimeSpan.FromSeconds(maxWaitSeconds), clock));

        using var response = await client.GetAsync(new Uri("http://tenant.invalid/api/v2/clients"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([TimeSpan.FromSeconds(expectedSeconds)], clock.Waits);
    }

    private static HttpResponseMessage TooMany(string? retryAfter = null, DateTimeOffset? reset = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        if (retryAfter is not null)
        {
            response.Headers.Add("Retry-After", retryAfter);
        }

        if (reset is { } at)
        {
            response.Headers.Add("x-ratelimit-limit", "2");
            response.Headers.Add("x-ratelimit-remaining", "0");
            response.Headers.Add("x-ratelimit-reset", at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return response;
    }

    /// <summary>Answers every request with a new response from <c>answer</c>, counting requests and disposed responses.</summary>
    private sealed class Answers(Func<HttpResponseMessage> answer) : HttpMessageHandler
    {
        private readonly List<HttpResponseMessage> _sent = [];

        public int Sent => _sent.Count;

        public int Disposed => _sent.Count(ResponseState.IsDisposed);

        /// <summary>Whether the handler itself was disposed (by the handler it is the inner one of).</summary>
        public bool Released { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = answer();
            response.Content = new ByteArrayContent([1]);
            _sent.Add(response);
            return Task.FromResult(response);
        }

        protected override void Dispose(bool disposing)
        {
            Released = true;
            base.Dispose(disposing);
        }
    }

    /// <summary>A clock stopped at a whole second that records each wait asked of it and lets it pass at once.</summary>
    private sealed class RecordingClock : TimeProvider
    {
        private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

        public List<TimeSpan> Waits { get; } = [];

        public override DateTimeOffset GetUtcNow() => Now;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Waits.Add(dueTime);
            return System.CreateTimer(callback, state, TimeSpan.Zero, period);
        }
    }
}
