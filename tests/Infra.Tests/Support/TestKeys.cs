using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Infra.Tests.Support;

/// <summary>An RSA key as an OAuth server registers a private_key_jwt client's key: its public JWK, kid the thumbprint.</summary>
internal static class TestKeys
{
    /// <summary>
    /// RFC 7638: base64url SHA-256 of the JWK's required members, in lexicographic order, without spaces. Written out
    /// here, not taken from the program, so that a test holds the program's key id to the RFC.
    /// </summary>
    public static string Thumbprint(RSA key)
    {
        var p = key.ExportParameters(includePrivateParameters: false);
        return Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes($$"""{"e":"{{Base64UrlEncoder.Encode(p.Exponent)}}","kty":"RSA","n":"{{Base64UrlEncoder.Encode(p.Modulus)}}"}""")));
    }

    /// <summary>The public JWK an oidc-provider client's <c>jwks</c> holds, as Auth0 holds a credential's key.</summary>
    public static JsonObject PublicJwk(RSA key)
    {
        var p = key.ExportParameters(includePrivateParameters: false);
        return new JsonObject { ["kty"] = "RSA", ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent), ["kid"] = Thumbprint(key), ["use"] = "sig" };
    }
}
