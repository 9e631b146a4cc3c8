/**
 * Auth0 Action on the credentials-exchange trigger (client credentials grant), deployed by this project.
 *
 * It refuses a token to a machine-to-machine client this project manages when the client is disabled or its
 * credentials have expired. The project writes, per client, client_metadata.expires_at (the first UTC day with no
 * tokens, YYYY-MM-DD) and client_metadata.disabled ("true"). Clients managed by anyone else pass untouched.
 *
 * @param {Event} event - Details about the client credentials grant request.
 * @param {CredentialsExchangeAPI} api - Methods that change the behaviour of the grant.
 */
exports.onExecuteCredentialsExchange = async (event, api) => {
  const metadata = (event.client && event.client.metadata) || {};
  // Only the project's own clients: those whose marker equals the one the project deployed with. Without a marker
  // (the secret missing or empty) the Action cannot tell its clients from others', so it leaves every client alone;
  // comparing undefined with undefined would otherwise take every unmarked client for one of ours.
  const managedBy = event.secrets && event.secrets.MANAGED_BY;
  if (typeof managedBy !== 'string' || managedBy === '' || metadata.managed_by !== managedBy) {
    return;
  }

  const name = event.client.name || event.client.client_id;
  if (metadata.disabled === 'true') {
    api.access.deny('invalid_request', `Client "${name}" is disabled. Ask its owner (${metadata.owner || 'unknown'}) to re-enable it.`);
    return;
  }

  const expiresAt = metadata.expires_at;
  if (expiresAt === undefined || expiresAt === '') {
    return;
  }

  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(expiresAt);
  const expiry = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || Number.isNaN(expiry) || new Date(expiry).toISOString().slice(0, 10) !== expiresAt) {
    // Fail closed: a date nobody can read must not mean "never expires".
    api.access.deny('invalid_request', `Client "${name}" has an unreadable expiry date; its owner (${metadata.owner || 'unknown'}) must fix it.`);
    return;
  }

  if (Date.now() >= expiry) {
    api.access.deny('invalid_request', `The credentials of client "${name}" expired on ${expiresAt} (UTC). Its owner (${metadata.owner || 'unknown'}) must rotate them and set a new expiry date.`);
  }
};
