import type { Config } from '../../config.js';
import type { VaultBinding } from '../../tools/tool-executor.js';
import { createCalendarClient } from './client.js';
import { SCOPES } from './scopes.js';

/**
 * Google Calendar through Token Vault. Google reports the scopes it granted, so the vault checks
 * them; the gate's reads (previews before an approval) use the read-only events scope.
 */
export function calendarBinding(config: Pick<Config, 'auth0' | 'google'>): VaultBinding {
  return {
    kind: 'vault',
    connection: config.auth0.connections.google,
    verifyScopes: true,
    readScopes: [SCOPES.readEvents],
    createClient: (token) => createCalendarClient(token, config.google.apiUrl),
  };
}
