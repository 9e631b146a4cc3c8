using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Acme.M2M.Credentials;

/// <summary>
/// The client assertion of a <c>private_key_jwt</c> token request (RFC 7523 section 2.2), as Auth0 takes it
/// (auth0.com/docs, "Authenticate with Private Key JWT"): signed by the client's key, for one request only.
/// </summary>
internal static class ClientAssertion
{
    /// <summary>The form's <c>client_assertion_type</c>.</summary>
    public const string Type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>How long an assertion is valid: Auth0 allows at most five minutes and recommends at most one.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A fresh assertion: header <c>alg</c> and <c>kid</c> of the key; claims iss = sub = the client id, aud = the
    /// tenant, a new <c>jti</c> (Auth0 and RFC 7523 refuse one used before), iat = <paramref name="now"/>, exp a
    /// minute later.
    /// </summary>
    public static string Sign(SigningKey key, string clientId, DateTimeOffset now)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(key.PrivateKeyPem);
        var signingKey = new RsaSecurityKey(rsa)
        {
            KeyId = key.KeyId,
            // A cached signature provider would keep this RSA object, disposed below, for the next key with the same
            // thumbprint: the next request's.
            CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false },
        };
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Audience = key.AssertionAudience,
            IssuedAt = now.UtcDateTime,
            Expires = (now + Lifetime).UtcDateTime,
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [JwtRegisteredClaimNames.Sub] = clientId,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString(),
            },
            SigningCredentials = new SigningCredentials(signingKey, key.Algorithm),
        };

        // Times from the injected clock only: by default the handler would add nbf from the system's.
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
