import type { Logger } from 'pino';
import { AgentHubError, describeForUser } from '../errors.js';
import type { SlackIdentity } from '../identity.js';
import { ConnectionRequiredError, type TokenVault } from '../vault/token-vault.js';
import type { PeopleDirectory, ToolContext } from './tool-context.js';
import { type ActionTarget, type PreviewLine, riskOf, type ServiceId, type ToolDefinition, type ToolResult } from './tool-definition.js';

/** How a service's tools get an authenticated client. */
export type ServiceBinding = VaultBinding | DirectBinding;

/** A user's service, reached with a short-lived Token Vault token for exactly the call's scopes. */
export interface VaultBinding {
  kind: 'vault';
  connection: string;
  verifyScopes: boolean;
  /** Scopes for the read-only calls the gate makes (target, preview). */
  readScopes: readonly string[];
  createClient(accessToken: string): unknown;
}

/** A service reached with AgentHub's own credentials (Slack, with the bot token): no user token involved. */
export interface DirectBinding {
  kind: 'direct';
  client: unknown;
  /** Runs before every use (the revocation check): a person who revoked AgentHub gets nothing done. */
  beforeUse?(who: SlackIdentity): Promise<void>;
}

/** `connect`: the service the person must connect (or reconnect) before this can work. */
export type Failure = { ok: false; code: string; message: string; refId: string; halt: boolean; connect?: { connection: string; scopes: string[] } };
export type Outcome<T> = { ok: true; value: T } | Failure;

export interface PreparedCall {
  tool: ToolDefinition;
  args: Record<string, unknown>;
}

export interface ToolExecutor {
  readonly tools: readonly ToolDefinition[];
  find(name: string): ToolDefinition | undefined;
  /** Validates the model's arguments against the tool's own schema (the model's JSON is untrusted input). */
  prepare(name: string, rawArgs: unknown): Outcome<PreparedCall>;
  /** What the action touches, read with a read-only token (for the gate). */
  target(call: PreparedCall, who: SlackIdentity): Promise<Outcome<ActionTarget>>;
  /** The arguments with moving references pinned (see ToolDefinition.bind). */
  bind(call: PreparedCall, who: SlackIdentity): Promise<Outcome<PreparedCall>>;
  /** The approval card's blast radius, read with a read-only token. */
  preview(call: PreparedCall, who: SlackIdentity): Promise<Outcome<PreviewLine[]>>;
  /**
   * Runs the tool with a token for exactly its connection and scopes; risky tools get a single-use
   * token. `target` is what the gate saw, which can raise the risk (an event with many guests).
   */
  run(call: PreparedCall, who: SlackIdentity, target?: ActionTarget): Promise<Outcome<ToolResult>>;
}

/** Failures that stop the run: nothing more can be done until the person acts (sign in, connect). */
const HALTING = new Set(['not_linked', 'revoked', 'connection_required', 'state_unavailable']);

export function createToolExecutor({
  tools,
  services,
  vault,
  people,
  logger,
  now = () => new Date(),
}: {
  tools: readonly ToolDefinition[];
  services: Partial<Record<ServiceId, ServiceBinding>>;
  vault: TokenVault;
  people: PeopleDirectory;
  logger: Logger;
  now?: () => Date;
}): ToolExecutor {
  const byName = new Map(tools.map((t) => [t.name, t]));

  const binding = (tool: ToolDefinition) => {
    const service = services[tool.service];
    if (!service) throw new AgentHubError('internal', `No binding for service ${tool.service}`, `The ${tool.service} agent isn't configured on this AgentHub.`);
    return service;
  };

  /** Builds the client inside the vault callback, so the token never leaves it; failures become outcomes. */
  async function withClient<T>(
    call: PreparedCall,
    who: SlackIdentity,
    purpose: string,
    risky: boolean,
    fn: (client: unknown, ctx: ToolContext) => Promise<T>,
  ): Promise<Outcome<T>> {
    // Plain fields rather than a child logger: a redacting child costs more than the whole gate check.
    const about = { tool: call.tool.name, purpose, team: who.teamId, user: who.userId };
    const ctx: ToolContext = { who, people, now };
    try {
      const service = binding(call.tool);
      let value: T;
      if (service.kind === 'direct') {
        await service.beforeUse?.(who);
        value = await fn(service.client, ctx);
      } else {
        // A read-only tool's own scopes already cover its reads (one cached token); risky tools read with read scopes.
        const scopes = purpose === 'run' || call.tool.readOnly ? call.tool.scopes : service.readScopes;
        value = await vault.withToken({ who, connection: service.connection, scopes, verifyScopes: service.verifyScopes, singleUse: risky }, (token) =>
          fn(service.createClient(token), ctx),
        );
      }
      logger.info({ ...about, outcome: 'ok' }, `tool ${purpose} succeeded`);
      return { ok: true, value };
    } catch (err) {
      const { text, refId, code } = describeForUser(err);
      logger[code === 'internal' ? 'error' : 'warn']({ ...about, err, refId, code }, `tool ${purpose} failed`);
      const connect = err instanceof ConnectionRequiredError ? { connection: err.connection, scopes: err.requiredScopes } : undefined;
      return { ok: false, code, message: text, refId, halt: HALTING.has(code), ...(connect ? { connect } : {}) };
    }
  }

  return {
    tools,
    find: (name) => byName.get(name),
    prepare(name, rawArgs) {
      const tool = byName.get(name);
      if (!tool) return failure('bad_request', `There is no tool called ${name}.`);
      const parsed = tool.schema.safeParse(rawArgs ?? {});
      if (!parsed.success) {
        const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
        return failure('bad_request', `The request for ${name} had invalid arguments (${detail}).`);
      }
      return { ok: true, value: { tool, args: parsed.data as Record<string, unknown> } };
    },
    async target(call, who) {
      if (!call.tool.target) return { ok: true, value: {} };
      return withClient(call, who, 'target', false, (client, ctx) => call.tool.target!(call.args, client, ctx));
    },
    async bind(call, who) {
      if (!call.tool.bind) return { ok: true, value: call };
      return withClient(call, who, 'bind', false, async (client, ctx) => ({
        tool: call.tool,
        args: (await call.tool.bind!(call.args, client, ctx)) as Record<string, unknown>,
      }));
    },
    async preview(call, who) {
      if (!call.tool.preview) return { ok: true, value: [] };
      return withClient(call, who, 'preview', false, (client, ctx) => call.tool.preview!(call.args, client, ctx));
    },
    async run(call, who, target) {
      const risk = riskOf(call.tool, call.args, target);
      const risky = risk === 'high' || risk === 'critical';
      return withClient(call, who, 'run', risky, (client, ctx) => call.tool.run(call.args, client, ctx));
    },
  };
}

function failure(code: string, message: string): Failure {
  const { refId } = describeForUser(new AgentHubError('bad_request', message, message));
  return { ok: false, code, message, refId, halt: false };
}
