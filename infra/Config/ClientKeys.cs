using System.Globalization;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Infra.Config;

/// <summary>
/// The key pairs of a <c>private_key_jwt</c> client. Rotation <i>R</i> has its own key, named after it; Auth0 holds the
/// keys of the last two rotations (its limit per application), so the one a consumer was given last stays accepted
/// through the next rotation. A rotation registers its new key in Auth0 before the document hands it out, and drops the
/// key two rotations back, which no document has held since the previous deploy.
/// </summary>
public static class ClientKeys
{
    /// <summary>The most credentials Auth0 keeps on one application ("Applications can have a maximum of two credentials").</summary>
    public const int PerApplication = 2;

    /// <summary>The signing algorithm: Auth0 takes RS256, RS384 or PS256 and defaults to RS256.</summary>
    public const string Algorithm = "RS256";

    /// <summary>
    /// The type of every key registered: a public key, the only <c>credential_type</c> terraform-provider-auth0 v1.53.0
    /// takes for private_key_jwt (internal/auth0/client/resource_credentials_schema.go:143-148).
    /// </summary>
    public const string CredentialType = "public_key";

    /// <summary>The key size; Auth0 takes RSA keys of 2048 to 4096 bits.</summary>
    public const int RsaBits = 2048;

    /// <summary>
    /// The rotations whose keys exist: the current one, and the one before it once the client has had keys that long.
    /// A disabled client keeps both (in the state only), so that re-enabling it restores what Auth0 held.
    /// </summary>
    public static IReadOnlyList<int> Rotations(M2MClientDefinition client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var first = client.KeysSinceRotation ?? 0;
        return client.Rotation - 1 >= first ? [client.Rotation - 1, client.Rotation] : [client.Rotation];
    }

    /// <summary>
    /// The <c>private_key_jwt</c> credentials Auth0 holds for <paramref name="client"/>, in the order they are registered:
    /// the key of each of <see cref="Rotations"/>, named after it and expiring with the client; while disabled, only the
    /// disabled key, without expiry. None for a client secret client. <c>M2MClient</c> registers exactly these, the
    /// capacity counts them and the audit expects them.
    /// </summary>
    public static IReadOnlyList<KeyCredential> Credentials(M2MClientDefinition client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (client.Authentication != ClientAuthentication.PrivateKeyJwt)
        {
            return [];
        }

        if (client.Disabled)
        {
            return [new KeyCredential(DisabledCredentialName(client.Key), null, null)];
        }

        var expiresAt = client.Expires is { } day ? ExpiresAt(day) : null;
        return [.. Rotations(client).Select(r => new KeyCredential(CredentialName(client.Key, r), r, expiresAt))];
    }

    /// <summary>The logical name of rotation <paramref name="rotation"/>'s key pair.</summary>
    public static string KeyName(string client, int rotation) => $"{client}--key-r{rotation.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// The logical name of the key Auth0 holds while the client is disabled: one no document ever holds, as a disabled
    /// secret client gets a fresh secret. Auth0 needs at least one credential on a <c>private_key_jwt</c> client.
    /// </summary>
    public static string DisabledKeyName(string client) => $"{client}--key-disabled";

    /// <summary>
    /// The credential's name in Auth0: unique per key, never reused for another, since terraform-provider-auth0 v1.53.0
    /// pairs a changed credential with a state entry by PEM and algorithm and ignores the name (#1666, fixed in v1.55.0).
    /// </summary>
    public static string CredentialName(string client, int rotation) => $"{client}-r{rotation.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The Auth0 name of the disabled client's credential.</summary>
    public static string DisabledCredentialName(string client) => $"{client}-disabled";

    /// <summary>
    /// A client's expiry as a credential's <c>expires_at</c>, in the form the provider reads it back
    /// (<c>2006-01-02T15:04:05.000Z07:00</c>, terraform-provider-auth0 v1.53.0 internal/auth0/client/flatten.go:17,
    /// :996-998), so that an unchanged date is no change.
    /// </summary>
    public static string ExpiresAt(DateOnly expires) => expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00.000Z";

    /// <summary>
    /// The id Auth0 gives a public key, and the <c>kid</c> of the assertions it verifies: its RFC 7638 JWK thumbprint
    /// (SHA-256, base64url). terraform-provider-auth0 v1.53.0 relies on the same identity: it matches an imported
    /// credential to a configured PEM, and detects a key replaced outside it, by comparing this thumbprint with the
    /// <c>key_id</c> Auth0 returns (internal/auth0/client/resource_credentials.go:343-348, :866-914; flatten.go:1009-1016).
    /// </summary>
    /// <param name="publicKeyPem">An RSA public key, SPKI PEM (what Pulumi.Tls's <c>publicKeyPem</c> holds).</param>
    public static string KeyId(string publicKeyPem)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(publicKeyPem);
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false)));
        return Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
    }
}

/// <summary>One <c>private_key_jwt</c> credential Auth0 holds for a key client.</summary>
/// <param name="Name">Its name in Auth0 (<see cref="ClientKeys.CredentialName"/> or <see cref="ClientKeys.DisabledCredentialName"/>).</param>
/// <param name="Rotation">The rotation whose key it is; null for the disabled client's key.</param>
/// <param name="ExpiresAt">Its <c>expires_at</c> (<see cref="ClientKeys.ExpiresAt"/>); null: it does not expire.</param>
public sealed record KeyCredential(string Name, int? Rotation, string? ExpiresAt);
