/**
 * The demo tour in a real browser, against the real demo (`startDemo`): stand-ins, the real bot, the page.
 * Needs Chromium at /usr/bin/chromium (CI installs it: `apt-get install chromium`); without it the test
 * is skipped with a message saying so.
 */
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDemo, startDemo } from '../../src/demo/run-demo.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = join(here, 'screenshots');
const README_SHOT = join(here, '..', '..', 'docs', 'demo.png');
const WAIT = 20_000;

if (!hasChromium) console.warn(`Skipping the browser tour: ${CHROMIUM} is missing (install it with: apt-get install chromium).`);

const ALICE = 'U0ALICE';
const BOB = 'U0BOB';

describe.skipIf(!hasChromium)('the demo tour in a browser', () => {
  let demo: RunningDemo;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The in-memory engine: the tour must work on a machine without Redis.
    demo = await startDemo({ port: 0, host: '127.0.0.1', memory: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  const actAs = (user: string) => page.getByTestId('user-switch').selectOption(user);
  const open = (testId: string) => page.getByTestId(testId).click();
  const say = async (text: string) => {
    await page.getByTestId('composer').fill(text);
    await page.getByTestId('composer').press('Enter');
  };
  const message = (text: string | RegExp): Locator => page.getByTestId('message').filter({ hasText: text }).last();
  const ephemeral = (text: string | RegExp): Locator => page.getByTestId('ephemeral').filter({ hasText: text }).last();
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  it('merge with approval: wrong person refused, MFA approval in Auth0, result in the thread, audit in App Home, revoke', async () => {
    const general = demo.workspace.channels[0]!.id;
    await page.goto(demo.url);
    await actAs(ALICE);
    await open(`conv-${general}`);
    await expect(page.getByTestId('banner').textContent()).resolves.toMatch(/Demo mode/);

    // Alice asks in #general; the thread says it waits for her approval.
    await say('@AgentHub merge PR #1 in acme/widgets');
    await message(/merge PR #1 in acme\/widgets/).waitFor({ timeout: WAIT });
    await message(/Waiting for @Alice Lee to approve/).waitFor({ timeout: WAIT });

    // The approval card is in Alice's DM with the bot.
    await open(`conv-${demo.slack.dmChannelFor(ALICE)}`);
    const card = message(/Approval needed/i);
    await card.waitFor({ timeout: WAIT });
    await expect(card.getByRole('link', { name: 'Approve with MFA' }).isVisible()).resolves.toBe(true);
    await shot('approval-card');

    // Bob, looking at Alice's card, clicks Deny: the bot refuses him privately and the card is unchanged.
    await actAs(BOB);
    await card.getByRole('button', { name: 'Deny' }).click();
    const refusal = ephemeral(/You can't decide this one/);
    await refusal.waitFor({ timeout: WAIT });
    await expect(refusal.textContent()).resolves.toContain('Only visible to you');
    await expect(card.getByRole('button', { name: 'Deny' }).isVisible()).resolves.toBe(true);
    expect(demo.github.merges).toHaveLength(0);
    await shot('wrong-person-refused');

    // Alice approves with MFA: a new tab opens the Auth0 stand-in's page.
    await actAs(ALICE);
    await page.getByTestId('ephemeral').first().waitFor({ state: 'detached', timeout: WAIT });
    const [auth0Page] = await Promise.all([context.waitForEvent('page'), card.getByRole('link', { name: 'Approve with MFA' }).click()]);
    await auth0Page.waitForLoadState();
    await auth0Page.getByRole('button', { name: 'Approve with MFA as Alice Lee' }).click();
    await auth0Page
      .getByText(/Verified/)
      .first()
      .waitFor({ timeout: WAIT });
    await auth0Page.screenshot({ path: join(SHOTS, 'auth0-verified.png') });
    await auth0Page.close();

    // Back in #general, the thread shows the merge.
    await open(`conv-${general}`);
    await message(/Merged/).waitFor({ timeout: WAIT });
    expect(demo.github.merges).toHaveLength(1);
    await shot('channel-thread');
    // The README's screenshot is refreshed on request only (UPDATE_README_SCREENSHOT=1 npm test), so a
    // test run never changes a tracked file.
    expect(statSync(join(SHOTS, 'channel-thread.png')).size).toBeLessThan(300_000);
    if (process.env.UPDATE_README_SCREENSHOT === '1') copyFileSync(join(SHOTS, 'channel-thread.png'), README_SHOT);

    // App Home lists the merge in Alice's audit trail.
    await open('tab-home');
    const home = page.getByTestId('home-view');
    await home.getByText('Audit trail').first().waitFor({ timeout: WAIT });
    await home
      .getByText(/merge pull request #1 in acme\/widgets/)
      .first()
      .waitFor({ timeout: WAIT });
    await shot('app-home');

    // Revoking everything asks first, then Home shows Alice is no longer linked.
    await home.getByRole('button', { name: /Revoke (everything|all access)/ }).click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor({ timeout: WAIT });
    await dialog.getByRole('button', { name: /Revoke (everything|all access)/ }).click();
    await home.getByText(/isn't linked to AgentHub/).waitFor({ timeout: WAIT });
    await shot('revoked');
    await open(`conv-${demo.slack.dmChannelFor(ALICE)}`);
    await message(/Revoked/).waitFor({ timeout: WAIT });

    // Signing in again (a link in an ephemeral answer, then the Auth0 page) lifts the revocation.
    await say('/agenthub connect');
    const signIn = ephemeral(/Sign in/).getByRole('link', { name: /Sign in/ });
    await signIn.waitFor({ timeout: WAIT });
    const [loginPage] = await Promise.all([context.waitForEvent('page'), signIn.click()]);
    await loginPage.getByRole('button', { name: 'Sign in as Alice Lee' }).click();
    await loginPage.waitForLoadState();
    await loginPage.close();
    await open('tab-home');
    await home.getByText(/Your Slack account is linked/).waitFor({ timeout: WAIT });
  }, 120_000);
});
