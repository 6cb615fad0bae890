import { spawn } from 'node:child_process';
import { STAND_IN_CERT_PATH } from './stand-ins/tls.js';

/**
 * The Auth0 stand-in speaks HTTPS with a throwaway certificate (Auth0 is always https), which Node
 * trusts only through NODE_EXTRA_CA_CERTS, read at process start. So the demo runs in a child process
 * started with it; production never comes here. Returns false when this process already trusts it.
 */
export function relaunchTrustingStandIns(): boolean {
  if (process.env.NODE_EXTRA_CA_CERTS === STAND_IN_CERT_PATH) return false;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: STAND_IN_CERT_PATH, AGENTHUB_MODE: 'demo' },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return true;
}
