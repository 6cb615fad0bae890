import type { Config } from '../../config.js';
import type { VaultBinding } from '../../tools/tool-executor.js';
import { createGitHubClient } from './client.js';

/**
 * GitHub through Token Vault. A GitHub App's permissions are fixed on the app and Auth0 reports no
 * scopes for it, so scopes are declared per tool (and key the token cache) but not verified.
 */
export function githubBinding(config: Pick<Config, 'auth0' | 'github'>): VaultBinding {
  return {
    kind: 'vault',
    connection: config.auth0.connections.github,
    verifyScopes: false,
    readScopes: ['metadata:read'],
    createClient: (token) => createGitHubClient(token, config.github.apiUrl),
  };
}
