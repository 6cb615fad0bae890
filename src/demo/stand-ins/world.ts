import { type FakeCiba, installCiba } from './auth0-ciba.js';
import { type FakeMyAccount, installMyAccount } from './auth0-my-account.js';
import { type DemoLoginUser, installOidc, type OidcFake } from './auth0-oidc.js';
import { FakeAuth0 } from './fake-auth0.js';
import { FakeGitHub } from './fake-github.js';
import { FakeGoogleCalendar } from './fake-google-calendar.js';
import { FakeSlack, type FakeSlackOptions } from './fake-slack.js';

export interface StandInsOptions {
  slack?: FakeSlackOptions;
  /** People can sign in, step up and consent through the Auth0 stand-in's pages (on a plain-http origin). */
  interactive?: { users: DemoLoginUser[] };
  /** Seconds between CIBA polls the stand-in asks for (default 1). */
  cibaInterval?: number;
}

/** Every upstream the bot talks to, each a local stand-in, started and wired together. */
export interface StandIns {
  slack: FakeSlack;
  auth0: FakeAuth0;
  github: FakeGitHub;
  calendar: FakeGoogleCalendar;
  oidc: OidcFake;
  ciba: FakeCiba;
  myAccount: FakeMyAccount;
  /** Where they listen, as `standInEnv`/`standInConfig` take it. */
  addresses: { slackUrl: string; auth0: { domain: string; clientId: string; clientSecret: string }; githubUrl: string; googleRootUrl: string };
  /** The Auth0 stand-in's plain-http pages, when interactive. */
  auth0BrowserUrl?: string;
  stop(): Promise<void>;
}

/**
 * Starts the stand-ins the way demo mode, the test harness, the process fleets and the benchmarks
 * all need them: one place decides how the Auth0 stand-in's OIDC, CIBA and My Account parts are mounted.
 */
export async function startStandIns({ slack: slackOptions, interactive, cibaInterval = 1 }: StandInsOptions = {}): Promise<StandIns> {
  const slack = new FakeSlack(slackOptions);
  const auth0 = new FakeAuth0();
  const github = new FakeGitHub();
  const calendar = new FakeGoogleCalendar();
  const [slackUrl, auth0Info, githubUrl] = await Promise.all([slack.start(), auth0.start(), github.start(), calendar.start()]);
  // The browser origin first: Auth0's connect_uri points at it once it runs.
  const auth0BrowserUrl = interactive ? await auth0.startBrowserOrigin() : undefined;
  const oidc = await installOidc(auth0, interactive ? { interactive } : {});
  const ciba = installCiba(auth0, { interval: cibaInterval });
  const myAccount = installMyAccount(auth0, { interactive: Boolean(interactive) });
  return {
    slack,
    auth0,
    github,
    calendar,
    oidc,
    ciba,
    myAccount,
    addresses: {
      slackUrl,
      auth0: { domain: auth0Info.domain, clientId: auth0.clientId, clientSecret: auth0.clientSecret },
      githubUrl,
      googleRootUrl: calendar.rootUrl,
    },
    ...(auth0BrowserUrl ? { auth0BrowserUrl } : {}),
    async stop() {
      await Promise.all([slack.stop(), auth0.stop(), github.stop(), calendar.stop()]);
    },
  };
}
