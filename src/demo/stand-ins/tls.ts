import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The Auth0 stand-in's throwaway certificate (see test/fixtures/README.md): loopback-only, it
 * protects nothing, and lives with the test fixtures so no key sits beside production code. Found
 * from the package root, so the path works from the sources (tsx, tests) and from dist/.
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('AgentHub: cannot find package.json above the demo stand-ins');
    dir = up;
  }
  return dir;
}

const TLS_DIR = join(packageRoot(), 'test', 'fixtures');
export const STAND_IN_CERT_PATH = join(TLS_DIR, 'auth0-test-cert.pem');
export const STAND_IN_KEY_PATH = join(TLS_DIR, 'auth0-test-key.pem');
