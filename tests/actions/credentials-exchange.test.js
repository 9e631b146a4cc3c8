// The credentials-exchange Action, under Node's test runner, with the event and api objects Auth0 passes to
// onExecuteCredentialsExchange (Actions reference: credentials-exchange event object and API object).
const { test, beforeEach, afterEach, mock } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { onExecuteCredentialsExchange } = require(path.join(__dirname, '..', '..', 'infra', 'Actions', 'credentials-exchange.js'));

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0); // 2026-11-28T12:00:00Z

function event(metadata, secrets = { MANAGED_BY: 'pulumi:infra' }) {
  return {
    accessToken: { customClaims: {}, scope: ['orders:read'] },
    client: { client_id: 'Xq7PzR2mK9vT4wY8nB3cL6dF1gH5jS0a', name: 'Globex (partner integration)', metadata },
    request: {
      body: { grant_type: 'client_credentials', audience: 'https://api.acme.example/orders' },
      geoip: { continentCode: 'EU', countryCode: 'NL' },
      hostname: 'acme.eu.auth0.com',
      ip: '203.0.113.7',
      language: 'en',
      method: 'POST',
      user_agent: 'orders-client/1.0',
    },
    resource_server: { identifier: 'https://api.acme.example/orders' },
    secrets,
    tenant: { id: 'acme' },
    transaction: { requested_scopes: ['orders:read'] },
  };
}

function api() {
  const denials = [];
  return {
    denials,
    access: { deny: (code, reason) => denials.push({ code, reason }) },
    accessToken: { setCustomClaim: () => {} },
    cache: { get: () => undefined, set: () => ({ type: 'success' }), delete: () => ({ type: 'success' }) },
  };
}

const managed = (extra) => ({ managed_by: 'pulumi:infra', owner: 'partnerships@acme.example', environment: 'prod', ...extra });

beforeEach(() => mock.timers.enable({ apis: ['Date'], now: NOW }));
afterEach(() => mock.timers.reset());

test('an expired client gets no token, with the date and who must act', async () => {
  const a = api();
  await onExecuteCredentialsExchange(event(managed({ expires_at: '2026-11-28' })), a);
  assert.deepEqual(a.denials, [{
    code: 'invalid_request',
    reason: 'The credentials of client "Globex (partner integration)" expired on 2026-11-28 (UTC). Its owner (partnerships@acme.example) must rotate them and set a new expiry date.',
  }]);
});

test('a client that has not expired gets its token', async () => {
  const a = api();
  await onExecuteCredentialsExchange(event(managed({ expires_at: '2026-11-29' })), a);
  assert.deepEqual(a.denials, []);
});

test('the expiry starts at midnight UTC of the date', async () => {
  mock.timers.setTime(Date.UTC(2026, 10, 28, 23, 59, 59));
  const before = api();
  await onExecuteCredentialsExchange(event(managed({ expires_at: '2026-11-29' })), before);
  mock.timers.setTime(Date.UTC(2026, 10, 29, 0, 0, 0));
  const at = api();
  await onExecuteCredentialsExchange(event(managed({ expires_at: '2026-11-29' })), at);
  assert.equal(before.denials.length, 0);
  assert.equal(at.denials.length, 1);
});

test('a client with no expiry date gets its token', async () => {
  const a = api();
  await onExecuteCredentialsExchange(event(managed({})), a);
  assert.deepEqual(a.denials, []);
});

for (const malformed of ['31/12/2026', '2026-02-30', '2026-1-5', 'tomorrow', '2026-12-31T00:00:00Z']) {
  test(`a malformed expiry date (${malformed}) fails closed`, async () => {
    const a = api();
    await onExecuteCredentialsExchange(event(managed({ expires_at: malformed })), a);
    assert.deepEqual(a.denials, [{
      code: 'invalid_request',
      reason: 'Client "Globex (partner integration)" has an unreadable expiry date; its owner (partnerships@acme.example) must fix it.',
    }]);
  });
}

test('a disabled client gets no token, whatever its date', async () => {
  const a = api();
  await onExecuteCredentialsExchange(event(managed({ disabled: 'true', expires_at: '2027-01-31' })), a);
  assert.deepEqual(a.denials, [{
    code: 'invalid_request',
    reason: 'Client "Globex (partner integration)" is disabled. Ask its owner (partnerships@acme.example) to re-enable it.',
  }]);
});

test('a client this project does not manage passes untouched, even with an expired date', async () => {
  const other = api();
  await onExecuteCredentialsExchange(event({ expires_at: '2020-01-01', managed_by: 'terraform' }), other);
  const none = api();
  await onExecuteCredentialsExchange(event({ expires_at: '2020-01-01' }), none);
  const noMetadata = api();
  const e = event(undefined);
  delete e.client.metadata;
  await onExecuteCredentialsExchange(e, noMetadata);
  assert.deepEqual([other.denials, none.denials, noMetadata.denials], [[], [], []]);
});

test('without its MANAGED_BY secret the Action recognises no client and denies nothing', async () => {
  const a = api();
  await onExecuteCredentialsExchange(event(managed({ expires_at: '2020-01-01' }), {}), a);
  assert.deepEqual(a.denials, []);
});

for (const [state, secrets] of [['missing', undefined], ['without MANAGED_BY', {}], ['with an empty MANAGED_BY', { MANAGED_BY: '' }], ['with another MANAGED_BY', { MANAGED_BY: 'pulumi:other' }]]) {
  test(`a client this project does not manage passes whatever its metadata, with secrets ${state}`, async () => {
    const unmarked = api();
    await onExecuteCredentialsExchange(event({ expires_at: '2020-01-01', disabled: 'true' }, secrets), unmarked);
    const noMetadata = api();
    const e = event(undefined, secrets);
    delete e.client.metadata;
    await onExecuteCredentialsExchange(e, noMetadata);
    assert.deepEqual([unmarked.denials, noMetadata.denials], [[], []]);
  });
}

test('an empty expiry date means no expiry', async () => {
  const a = api();
  await onExecuteCredentialsExchange(event(managed({ expires_at: '' })), a);
  assert.deepEqual(a.denials, []);
});

test('a client without a name or owner is named by its id and its owner as unknown', async () => {
  const a = api();
  const e = event({ managed_by: 'pulumi:infra', disabled: 'true' });
  delete e.client.name;
  await onExecuteCredentialsExchange(e, a);
  assert.deepEqual(a.denials, [{
    code: 'invalid_request',
    reason: 'Client "Xq7PzR2mK9vT4wY8nB3cL6dF1gH5jS0a" is disabled. Ask its owner (unknown) to re-enable it.',
  }]);
});

test('an empty MANAGED_BY does not match a client whose marker is empty too', async () => {
  const a = api();
  await onExecuteCredentialsExchange(event({ managed_by: '', disabled: 'true', expires_at: '2020-01-01' }, { MANAGED_BY: '' }), a);
  assert.deepEqual(a.denials, []);
});

test('an unreadable or passed expiry of a client without an owner names the owner as unknown', async () => {
  const unreadable = api();
  await onExecuteCredentialsExchange(event({ managed_by: 'pulumi:infra', expires_at: '2026-02-30' }), unreadable);
  const expired = api();
  await onExecuteCredentialsExchange(event({ managed_by: 'pulumi:infra', expires_at: '2026-11-28' }), expired);
  assert.deepEqual([...unreadable.denials, ...expired.denials], [
    { code: 'invalid_request', reason: 'Client "Globex (partner integration)" has an unreadable expiry date; its owner (unknown) must fix it.' },
    { code: 'invalid_request', reason: 'The credentials of client "Globex (partner integration)" expired on 2026-11-28 (UTC). Its owner (unknown) must rotate them and set a new expiry date.' },
  ]);
});
