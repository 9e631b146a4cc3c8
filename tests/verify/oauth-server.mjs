// The verify command's peer: a real OAuth 2.0 server (oauth2-mock-server, which signs RS256 JWTs and serves
// discovery and JWKS), configured to answer a client credentials grant the way Auth0 does: it authenticates the
// client by id and secret, takes the API from `audience`, and issues a token carrying exactly the scopes granted
// to that client on that API, with gty and azp.
//
//   VERIFY_CLIENTS='{"<client id>": {"secret": "...", "grants": {"<audience>": "scope scope"}}}' node oauth-server.mjs
//
// Prints {"issuer": "http://127.0.0.1:<port>"} once listening; stops when its standard input closes.
import { OAuth2Server } from 'oauth2-mock-server';

const clients = JSON.parse(process.env.VERIFY_CLIENTS ?? '{}');
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
});

server.service.on('beforeResponse', (response, req) => {
  const client = clients[req.body.client_id];
  if (client === undefined || client.secret !== req.body.client_secret) {
    response.statusCode = 401;
    response.body = { error: 'access_denied', error_description: 'Unauthorized' };
  } else if (!(req.body.audience in client.grants)) {
    response.statusCode = 403;
    response.body = { error: 'access_denied', error_description: `Client has not been granted scopes for ${req.body.audience}` };
  } else {
    response.body.scope = client.grants[req.body.audience];
  }
});

await server.start(0, '127.0.0.1');
// Name the address it listens on, not "localhost", which may resolve to ::1 first.
server.issuer.url = `http://127.0.0.1:${server.address().port}`;
console.log(JSON.stringify({ issuer: server.issuer.url }));
process.stdin.resume();
process.stdin.on('end', async () => {
  await server.stop();
  process.exit(0);
});
