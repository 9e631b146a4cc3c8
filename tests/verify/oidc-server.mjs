// The consumer library's second peer: a real OAuth 2.0 authorization server (oidc-provider, a certified OpenID
// Provider) that authenticates clients as Auth0 does for the client credentials grant, with private_key_jwt
// (RFC 7523: it checks the assertion's signature, iss, sub, aud, exp, and refuses a jti used before) and with
// client_secret_post, and issues a JWT access token for the requested audience with the client's scopes on it and,
// as Auth0's do, the client in `azp` and `gty: client-credentials`.
//
//   node oidc-server.mjs '[{"client_id": "...", "token_endpoint_auth_method": "private_key_jwt",
//                           "jwks": {"keys": [<public JWK>]}, "grants": {"<audience>": "scope scope"}},
//                          {"client_id": "...", "token_endpoint_auth_method": "client_secret_post",
//                           "client_secret": "...", "grants": {...}}]'
//
// Each entry is oidc-provider client metadata plus `grants`, which is this script's: per audience, the scopes
// the client is granted (Auth0's client grants).
//
// Prints {"issuer": "http://127.0.0.1:<port>/"} once listening; stdout carries nothing else (oidc-provider's
// notices go to stderr). GET /test/received answers every token request so far, as the server saw it: the client,
// the authentication it used, the assertion's header and claims, the answer's status and error, and the reason it
// gave itself (oidc-provider answers every failed client authentication with the same "client authentication
// failed" and keeps the reason in `error_detail`). It never holds a secret. Stops when its standard input closes.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';

// oidc-provider prints its notices with console.info: keep stdout for the one line the test reads.
console.info = (...args) => console.error(...args);
const { default: Provider, errors } = await import('oidc-provider');

const clients = JSON.parse(process.argv[2] ?? '[]');
const grants = new Map(clients.map(({ client_id: id, grants: granted = {} }) => [id, granted]));
const metadata = clients.map(({ grants: _, ...client }) => ({
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  ...client,
}));

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
// Auth0's assertion audience is the tenant's URL with its trailing slash; oidc-provider accepts an assertion whose
// aud is exactly its issuer or its token endpoint, so the issuer is written the same way.
const issuer = `http://127.0.0.1:${server.address().port}/`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const provider = new Provider(issuer, {
  clients: metadata,
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'oidc-server', alg: 'RS256', use: 'sig' }] },
  clientAuthMethods: ['client_secret_post', 'private_key_jwt'],
  // The algorithms Auth0 takes for Private Key JWT; oidc-provider's default list lacks RS384.
  enabledJWA: { clientAuthSigningAlgValues: ['RS256', 'RS384', 'PS256'] },
  cookies: { keys: ['oidc-server-test-cookies'] },
  // Auth0's client credentials tokens name the client in azp and the grant in gty, which the verify command checks.
  extraTokenClaims: (_ctx, token) => (token.kind === 'ClientCredentials' ? { azp: token.clientId, gty: 'client-credentials' } : undefined),
  ttl: { ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 600 },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Like Auth0, a token for an API the client is not granted is refused.
      getResourceServerInfo: (_ctx, resource, client) => {
        const scope = grants.get(client.clientId)?.[resource];
        if (scope === undefined) throw new errors.InvalidTarget(`client has not been granted scopes for ${resource}`);
        return { scope, audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 3600 };
      },
    },
  },
});

const received = [];
provider.on('grant.error', (ctx, error) => { ctx.state.detail = error.error_detail; });

provider.use(async (ctx, next) => {
  if (ctx.method === 'GET' && ctx.path === '/test/received') {
    ctx.body = received;
    return;
  }

  if (ctx.method !== 'POST' || ctx.path !== '/token' || !ctx.is('application/x-www-form-urlencoded')) {
    await next();
    return;
  }

  // Auth0 takes the API from `audience`; oidc-provider, as RFC 8707 says, from `resource` (and gives a JWT access
  // token, with the API's scopes, only for a resource). So the form is read here and handed on with `resource` set
  // to the audience, and, since Auth0 issues every granted scope when none is asked for, `scope` to the client's
  // grants on it. oidc-provider reads a body parsed before it (lib/shared/selective_body.js) and warns once.
  const chunks = [];
  for await (const chunk of ctx.req.iterator({ destroyOnReturn: false })) chunks.push(chunk);
  const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
  const assertion = form.client_assertion === undefined ? undefined : decode(form.client_assertion);
  const clientId = form.client_id ?? assertion?.claims?.sub;
  if (form.audience !== undefined && form.resource === undefined) form.resource = form.audience;
  if (form.scope === undefined && grants.get(clientId)?.[form.resource] !== undefined) form.scope = grants.get(clientId)[form.resource];
  ctx.request.body = form;

  await next();

  received.push({
    clientId: form.client_id ?? null,
    authentication: form.client_assertion !== undefined ? 'private_key_jwt' : form.client_secret !== undefined ? 'client_secret_post' : 'none',
    assertionType: form.client_assertion_type ?? null,
    header: assertion?.header ?? null,
    claims: assertion?.claims ?? null,
    audience: form.audience ?? null,
    status: ctx.status,
    error: ctx.body?.error ?? null,
    detail: ctx.state.detail ?? null,
  });
});

function decode(jwt) {
  try {
    const [header, claims] = jwt.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
    return { header, claims };
  } catch {
    return { header: null, claims: null };
  }
}

server.on('request', provider.callback());
console.log(JSON.stringify({ issuer }));
process.stdin.resume();
process.stdin.on('end', () => {
  server.close();
  process.exit(0);
});
