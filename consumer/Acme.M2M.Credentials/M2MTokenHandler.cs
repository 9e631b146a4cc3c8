using System.Net.Http.Headers;

namespace Acme.M2M.Credentials;

/// <summary>Sends every request with a bearer token for one API, from an <see cref="M2MTokenProvider"/>.</summary>
/// <param name="provider">The client's tokens.</param>
/// <param name="apiKey">The API's key in the credentials document, such as <c>orders-api</c>.</param>
public sealed class M2MTokenHandler(M2MTokenProvider provider, string apiKey) : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await provider.GetTokenAsync(apiKey, cancellationToken).ConfigureAwait(false));
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
