// The verify command's peer: a real OAuth 2.0 server (oauth2-mock-server, which signs RS256 JWTs and serves
// discovery and JWKS), configured to answer a client credentials grant the way Auth0 does: it authenticates the
// client by id and secret, takes the API from `audience`, and issues a token carrying exactly the scopes granted
// to that client on that API, with gty and azp.
//
//   VERIFY_CLIENTS='{"<client id>": {"secret": "...", "grants": {"<audience>": "scope scope"}}}' node oauth-server.mjs
//
// VERIFY_MISBEHAVE makes it issue a token a verifier must not accept, otherwise well formed:
//   foreign-key     signed by a key that is not in its JWKS (same issuer, same claims)
//   foreign-issuer  an `iss` other than the one its discovery document names
//   azp             `azp` naming another client
//   gty             `gty` of another grant (password)
//   expired         issued two hours ago and expired one hour ago
//   no-scope        no `scope` claim
//   no-token        an answer of 200 without an access token
//
// Prints {"issuer": "http://127.0.0.1:<port>"} once listening; stops when its standard input closes.
import { generateKeyPairSync, sign } from 'node:crypto';
import { OAuth2Server } from 'oauth2-mock-server';

const clients = JSON.parse(process.env.VERIFY_CLIENTS ?? '{}');
const misbehave = process.env.VERIFY_MISBEHAVE ?? '';
const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');

server.service.on('beforeTokenSigning', (token, req) => {
  const clientId = req.body.client_id;
  const audience = req.body.audience;
  Object.assign(token.payload, {
    aud: audience,
    azp: clientId,
    sub: `${clientId}@clients`,
    gty: 'client-credentials',
    scope: clients[clientId]?.grants?.[audience] ?? '',
  });
  if (misbehave === 'foreign-issuer') token.payload.iss = 'https://another-tenant.example/';
  if (misbehave === 'azp') token.payload.azp = 'another-client';
  if (misbehave === 'gty') token.payload.gty = 'password';
  if (misbehave === 'expired') {
    // Issued and expired an hour ago: beyond any clock skew a validator allows (five minutes by default).
    const now = Math.floor(Date.now() / 1000);
    Object.assign(token.payload, { iat: now - 7200, nbf: now - 7200, exp: now - 3600 });
  }
  if (misbehave === 'no-scope') delete token.payload.scope;
});

server.service.on('beforeResponse', (response, req) => {
  const client = clients[req.body.client_id];
  if (client === undefined || client.secret !== req.body.client_secret) {
    response.statusCode = 401;
    response.body = { error: 'access_denied', error_description: 'Unauthorized' };
  } else if (!(req.body.audience in client.grants)) {
    response.statusCode = 403;
    response.body = { error: 'access_denied', error_description: `Client has not been granted scopes for ${req.body.audience}` };
  } else if (misbehave === 'no-token') {
    response.body = { token_type: 'Bearer', expires_in: 3600 };
  } else {
    response.body.scope = client.grants[req.body.audience];
  }
});

if (misbehave === 'foreign-key') {
  // The token as issued, header (with the published key's kid) and claims untouched, re-signed RS256 by a key the
  // JWKS does not hold: only the signature tells it apart.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  server.service.on('beforeResponse', (response) => {
    if (response.statusCode !== 200) return;
    const [header, payload] = response.body.access_token.split('.');
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), privateKey).toString('base64url');
    response.body.access_token = `${header}.${payload}.${signature}`;
  });
}

await server.start(0, '127.0.0.1');
// Name the address it listens on, not "localhost", which may resolve to ::1 first.
server.issuer.url = `http://127.0.0.1:${server.address().port}`;
console.log(JSON.stringify({ issuer: server.issuer.url }));
process.stdin.resume();
process.stdin.on('end', async () => {
  await server.stop();
  process.exit(0);
});
