import type { CustomRoute } from '@slack/bolt';
import type { Logger } from '../logger.js';
import type { HopKind, HopStore } from './browser-hops.js';
import { browserRoute, type Page, queryOf } from './pages.js';

/**
 * GET /auth/callback: the one redirect_uri registered at Auth0 for every browser hop. It takes the
 * hop out of Redis by `state` (single use) and hands it to the handler of its kind. Sign-in and
 * connect plug in by adding their handler to the map; step-up provides `step_up`, sign-in
 * `sign_in`. An app serves them all through `createAuthRoutes` (below).
 */

export const CALLBACK_PATH = '/auth/callback';

export const callbackUrl = (publicUrl: string) => `${publicUrl.replace(/\/+$/, '')}${CALLBACK_PATH}`;

export interface CallbackContext {
  /** The callback's query (`code`, `state`, or `error`, `error_description`). Never log it. */
  params: URLSearchParams;
}

/** Handles one consumed hop; `payload` is what the hop was created with (validate it). */
export type CallbackHandler = (payload: unknown, ctx: CallbackContext) => Promise<Page>;

export type CallbackHandlers = Partial<Record<HopKind, CallbackHandler>>;

export const USED_OR_EXPIRED_PAGE: Page = {
  status: 400,
  title: 'This link can no longer be used',
  paragraphs: ['This sign-in link was already used or has expired. Nothing was changed.', 'Go back to Slack and start again from there.'],
};

/** Auth0's error redirect (`?error=…&error_description=…`), if this callback is one. */
export function authorizationError(params: URLSearchParams): { error: string; description: string | undefined } | undefined {
  const error = params.get('error');
  if (!error) return undefined;
  return { error, description: params.get('error_description') ?? undefined };
}

export function createCallbackRoute({ hops, handlers, logger }: { hops: HopStore; handlers: CallbackHandlers; logger: Logger }): CustomRoute {
  const log = logger.child({ component: 'auth-callback' });
  return browserRoute(CALLBACK_PATH, log, async (req) => {
    const params = queryOf(req);
    const state = params.get('state');
    // Consumed before anything else, errors included: whatever happens next, this state is spent.
    const hop = state ? await hops.consume(state) : undefined;
    if (!hop) {
      log.info({ hasState: state !== null }, 'browser hop callback with an unknown, used or expired state');
      return USED_OR_EXPIRED_PAGE;
    }
    const handler = handlers[hop.kind];
    if (!handler) {
      log.warn({ kind: hop.kind }, 'browser hop callback of a kind nobody handles here');
      return USED_OR_EXPIRED_PAGE;
    }
    return handler(hop.payload, { params });
  });
}

/** What a browser-hop feature (step-up, sign-in, connect) contributes to the app's routes. */
export interface BrowserHopFeature {
  /** Its own entry route (e.g. GET /auth/step-up, GET /auth/sign-in). */
  startRoute: CustomRoute;
  /** Its entries of the shared callback's kind → handler map. */
  callbackHandlers: CallbackHandlers;
}

/**
 * Every browser-hop route of the app: each feature's start route, then ONE GET /auth/callback
 * dispatching every feature's hop kinds (Bolt keeps a single handler per path and method, so two
 * callback routes would silently drop one feature). Two features claiming the same hop kind or
 * the same start path is a wiring mistake and throws.
 */
export function createAuthRoutes({ hops, logger, features }: { hops: HopStore; logger: Logger; features: BrowserHopFeature[] }): CustomRoute[] {
  const handlers: CallbackHandlers = {};
  const paths = new Set<string>([CALLBACK_PATH]);
  for (const feature of features) {
    if (paths.has(feature.startRoute.path)) throw new Error(`Two browser routes for ${feature.startRoute.path}`);
    paths.add(feature.startRoute.path);
    for (const [kind, handler] of Object.entries(feature.callbackHandlers) as Array<[HopKind, CallbackHandler | undefined]>) {
      if (!handler) continue;
      if (handlers[kind]) throw new Error(`Two callback handlers for browser hops of kind ${kind}`);
      handlers[kind] = handler;
    }
  }
  return [...features.map((f) => f.startRoute), createCallbackRoute({ hops, handlers, logger })];
}
