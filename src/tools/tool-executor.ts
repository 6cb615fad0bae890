import type { Logger } from 'pino';
import { AgentHubError, describeForUser } from '../errors.js';
import type { SlackIdentity } from '../identity.js';
import type { TokenVault } from '../vault/token-vault.js';
import type { ServiceId, ToolDefinition, ToolResult } from './tool-definition.js';

/** How a service's tools get an authenticated client: which Token Vault connection, which factory. */
export interface ServiceBinding {
  connection: string;
  verifyScopes: boolean;
  createClient(accessToken: string): unknown;
}

export type ToolOutcome =
  | { ok: true; result: ToolResult }
  /** `halt` stops the run: nothing more can be done until the person acts (sign in, connect). */
  | { ok: false; code: string; message: string; refId: string; halt: boolean };

export interface ToolExecutor {
  readonly tools: readonly ToolDefinition[];
  find(name: string): ToolDefinition | undefined;
  execute(name: string, args: unknown, who: SlackIdentity): Promise<ToolOutcome>;
}

const HALTING = new Set(['not_linked', 'connection_required', 'state_unavailable']);

/**
 * Runs one tool call: validates the arguments against the tool's own schema (the model's JSON is
 * untrusted input), gets a token for exactly the tool's connection and scopes, builds the client
 * inside the vault callback so the token never leaves it, and turns failures into outcomes.
 */
export function createToolExecutor({
  tools,
  services,
  vault,
  logger,
}: {
  tools: readonly ToolDefinition[];
  services: Partial<Record<ServiceId, ServiceBinding>>;
  vault: TokenVault;
  logger: Logger;
}): ToolExecutor {
  const byName = new Map(tools.map((t) => [t.name, t]));
  return {
    tools,
    find: (name) => byName.get(name),
    async execute(name, rawArgs, who) {
      const log = logger.child({ tool: name, team: who.teamId, user: who.userId });
      try {
        const tool = byName.get(name);
        if (!tool) throw new AgentHubError('bad_request', `Unknown tool ${name}`, `There is no tool called ${name}.`);
        const parsed = tool.schema.safeParse(rawArgs ?? {});
        if (!parsed.success) {
          const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
          throw new AgentHubError('bad_request', `Invalid arguments for ${name}: ${detail}`, `The request for ${name} had invalid arguments (${detail}).`);
        }
        const service = services[tool.service];
        if (!service)
          throw new AgentHubError('internal', `No binding for service ${tool.service}`, `The ${tool.service} agent isn't configured on this AgentHub.`);
        const result = await vault.withToken(
          {
            who,
            connection: service.connection,
            scopes: tool.scopes,
            verifyScopes: service.verifyScopes,
            singleUse: tool.risk === 'high' || tool.risk === 'critical',
          },
          (token) => tool.run(parsed.data, service.createClient(token)),
        );
        log.info({ outcome: 'ok' }, 'tool call succeeded');
        return { ok: true, result };
      } catch (err) {
        const { text, refId, code } = describeForUser(err);
        log[code === 'internal' ? 'error' : 'warn']({ err, refId, code }, 'tool call failed');
        return { ok: false, code, message: text, refId, halt: HALTING.has(code) };
      }
    },
  };
}
