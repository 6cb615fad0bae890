import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCallback, nextSlackTs, postCommand, postEvent, slashCommand } from '../fakes/slack-requests.js';
import { type Harness, SIGNING_SECRET, startHarness, TEAM } from '../support/harness.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MANIFEST_JSON = readFileSync(resolve(ROOT, 'manifest.json'), 'utf8');

interface Manifest {
  display_information: { name: string; description?: string; long_description?: string; background_color?: string };
  features?: { slash_commands?: Array<{ command: string; description: string; usage_hint?: string; url?: string; should_escape?: boolean }> };
  oauth_config?: { scopes?: { bot?: string[] } };
  settings?: {
    event_subscriptions?: { request_url?: string; bot_events?: string[] };
    interactivity?: { is_enabled: boolean; request_url?: string };
    socket_mode_enabled?: boolean;
  };
}

const manifest = JSON.parse(MANIFEST_JSON) as Manifest;
const botEvents = manifest.settings?.event_subscriptions?.bot_events ?? [];
const commands = (manifest.features?.slash_commands ?? []).map((c) => c.command);

/**
 * Type-checks `json` against `AppsManifestCreateArguments['manifest']` by inlining it into a .ts
 * file (a JSON import would widen the literals to `string`). The file lives inside the repo so
 * `@slack/web-api` resolves from node_modules; it is a dotfile, so `tsc -p` never includes it,
 * and .gitignore lists it. Returns tsc's output when it fails, `undefined` when it passes.
 */
function typeCheckManifest(json: string): string | undefined {
  const file = resolve(ROOT, 'test/.manifest-check.ts');
  writeFileSync(
    file,
    `import type { AppsManifestCreateArguments } from '@slack/web-api';\nexport const m: AppsManifestCreateArguments['manifest'] = ${json};\n`,
  );
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(
      process.execPath,
      [tsc, '--noEmit', '--strict', '--skipLibCheck', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--types', 'node', file],
      { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' },
    );
    return undefined;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message;
  } finally {
    rmSync(file, { force: true });
  }
}

describe('manifest.json', () => {
  it('type-checks as a Slack app manifest, and a typo in a scope would not', { timeout: 60_000 }, () => {
    // web-api 8.2.0's BotScope union lacks `assistant:write` although Slack requires it for the
    // assistant pane (slack.md): that one scope is checked by name, the rest by the compiler.
    expect(manifest.oauth_config?.scopes?.bot).toContain('assistant:write');
    expect(typeCheckManifest(MANIFEST_JSON.replace(/,\s*"assistant:write"/, ''))).toBeUndefined();

    expect(MANIFEST_JSON).toContain('"users:read",');
    const broken = MANIFEST_JSON.replace('"users:read",', '"users:reed",');
    const errors = typeCheckManifest(broken);
    expect(errors).toBeDefined();
    expect(errors).toMatch(/users:reed/);
    expect(errors).toMatch(/BotScope/);
  });

  describe('stays within Slack limits (slack.md §4)', () => {
    const info = manifest.display_information;

    it('name ≤ 35, description ≤ 140, long_description 174..4000 characters', () => {
      expect(info.name.length).toBeGreaterThan(0);
      expect(info.name.length).toBeLessThanOrEqual(35);
      expect((info.description ?? '').length).toBeLessThanOrEqual(140);
      const ld = info.long_description ?? '';
      expect(ld.length).toBeGreaterThanOrEqual(174);
      expect(ld.length).toBeLessThanOrEqual(4000);
      expect(info.background_color).toMatch(/^#[0-9a-fA-F]{6}$/);
    });

    it('commands start with "/" and are at most 32 characters', () => {
      expect(commands.length).toBeGreaterThan(0);
      for (const command of commands) {
        expect(command.startsWith('/'), command).toBe(true);
        expect(command.length, command).toBeLessThanOrEqual(32);
      }
    });

    it('HTTP mode: every request URL is set', () => {
      expect(manifest.settings?.socket_mode_enabled).toBe(false);
      expect(manifest.settings?.event_subscriptions?.request_url).toMatch(/^https:\/\//);
      if (manifest.settings?.interactivity?.is_enabled) expect(manifest.settings.interactivity.request_url).toMatch(/^https:\/\//);
      for (const c of manifest.features?.slash_commands ?? []) expect(c.url, c.command).toMatch(/^https:\/\//);
    });

    it('at most 100 bot events, with the scopes they need', () => {
      expect(botEvents.length).toBeLessThanOrEqual(100);
      const scopes = manifest.oauth_config?.scopes?.bot ?? [];
      if (botEvents.includes('app_mention')) expect(scopes).toContain('app_mentions:read');
      if (botEvents.includes('message.im')) expect(scopes).toContain('im:history');
      if (commands.length > 0) expect(scopes).toContain('commands');
    });
  });

  describe('every event and command it declares has a listener in the real app', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness();
    });
    afterAll(async () => h?.close());

    const USER = 'U0MANIFEST';

    /**
     * One row per manifest `bot_events` entry: a real signed delivery and the side effect that
     * proves a listener handled it. Bolt answers 200 to events nobody listens to, so the status
     * alone proves nothing. Manifest names map to Bolt's: `message.im` arrives as a `message`
     * event with `channel_type: 'im'`.
     */
    const EVENT_CHECKS: Record<string, { boltEvent: string; event(ts: string): Record<string, unknown>; expect(h: Harness, ts: string): Promise<unknown> }> = {
      app_mention: {
        boltEvent: 'app_mention',
        event: (ts) => ({ user: USER, text: '<@UBOT> hello', ts, team: TEAM, channel: 'C0MANIFEST', event_ts: ts }),
        expect: (h, ts) => h.slack.waitFor((c) => c.api === 'chat.postMessage' && c.params.channel === 'C0MANIFEST' && c.params.thread_ts === ts, 10_000),
      },
      app_home_opened: {
        boltEvent: 'app_home_opened',
        event: (ts) => ({ user: USER, channel: 'D0HOME', tab: 'home', event_ts: ts }),
        expect: (h) => h.slack.waitFor((c) => c.api === 'views.publish' && c.params.user_id === USER, 10_000),
      },
      assistant_thread_started: {
        boltEvent: 'assistant_thread_started',
        event: (ts) => ({
          assistant_thread: { user_id: USER, context: { channel_id: 'C0MANIFEST', team_id: TEAM, enterprise_id: null }, channel_id: 'D0ASSIST', thread_ts: ts },
          event_ts: ts,
        }),
        expect: (h, ts) =>
          h.slack.waitFor((c) => c.api === 'assistant.threads.setSuggestedPrompts' && c.params.channel_id === 'D0ASSIST' && c.params.thread_ts === ts, 10_000),
      },
      assistant_thread_context_changed: {
        boltEvent: 'assistant_thread_context_changed',
        event: (ts) => ({
          assistant_thread: { user_id: USER, context: { channel_id: 'C0OTHER', team_id: TEAM, enterprise_id: null }, channel_id: 'D0ASSIST', thread_ts: ts },
          event_ts: ts,
        }),
        // Bolt's default context store reads the thread to find its own first message and save the context there.
        expect: (h) => h.slack.waitFor((c) => c.api === 'conversations.replies' && c.params.channel === 'D0ASSIST', 10_000),
      },
      'message.im': {
        boltEvent: 'message',
        event: (ts) => ({ channel_type: 'im', channel: 'D0001', user: USER, text: 'hi', ts, event_ts: ts }),
        expect: (h, ts) => h.slack.waitFor((c) => c.api === 'chat.postMessage' && c.params.channel === 'D0001' && c.params.thread_ts === ts, 10_000),
      },
    };

    /** One row per manifest slash command: a real signed invocation and the reply it must produce. */
    const COMMAND_CHECKS: Record<string, (h: Harness) => Promise<void>> = {
      '/agenthub': async (h) => {
        const responseId = 'manifest-help';
        const res = await postCommand(
          h.eventsUrl,
          SIGNING_SECRET,
          slashCommand({ command: '/agenthub', text: 'help', user: USER, responseUrl: h.slack.responseUrl(responseId) }),
        );
        expect(res.status).toBe(200);
        const ackBody = await res.text();
        if (ackBody.includes('/agenthub')) return;
        const reply = await h.slack.waitFor((c) => c.api === 'response' && c.responseId === responseId, 10_000);
        expect(String(reply.params.text)).toContain('/agenthub');
      },
    };

    it('has a check for exactly the bot events and commands the manifest declares', () => {
      expect(Object.keys(EVENT_CHECKS).sort()).toEqual([...botEvents].sort());
      expect(Object.keys(COMMAND_CHECKS).sort()).toEqual([...commands].sort());
    });

    for (const event of botEvents) {
      it(`event ${event} is handled`, async () => {
        const row = EVENT_CHECKS[event];
        expect(row, `no listener check for manifest event ${event}`).toBeDefined();
        const ts = nextSlackTs();
        const res = await postEvent(h.eventsUrl, SIGNING_SECRET, eventCallback({ type: row!.boltEvent, ...row!.event(ts) }));
        expect(res.status).toBe(200);
        await row!.expect(h, ts);
      });
    }

    for (const command of commands) {
      it(`command ${command} is handled`, async () => {
        const check = COMMAND_CHECKS[command];
        expect(check, `no listener check for manifest command ${command}`).toBeDefined();
        await check!(h);
      });
    }
  });
});
