import type { PreviewLine, Risk } from '../../tools/tool-definition.js';
import { plural } from './plain-words.js';

/**
 * E-mails to this many guests or more make a create or update high risk: a mistaken or injected
 * invitation to a whole department is hard to take back.
 */
export const INVITE_RISK_THRESHOLD = 10;

/** Google's `sendUpdates`: e-mail every guest unless the person turned notifications off. */
export function sendUpdatesOf(notify: boolean | undefined): 'all' | 'none' {
  return notify === false ? 'none' : 'all';
}

/** How many guests Google will e-mail for this call. */
export function emailedCount(guests: number, notify: boolean | undefined): number {
  return sendUpdatesOf(notify) === 'all' ? guests : 0;
}

/** 'high' when the call e-mails INVITE_RISK_THRESHOLD guests or more, else the tool's own risk (`base`). */
export function invitationRisk(guests: number, notify: boolean | undefined, base: Risk): Risk {
  return emailedCount(guests, notify) >= INVITE_RISK_THRESHOLD ? 'high' : base;
}

/** The approval card's e-mail line: who gets an e-mail, or that nobody does and why. */
export function emailPreview(label: 'Invitations' | 'Updates' | 'Cancellations', guests: number, notify: boolean | undefined): PreviewLine {
  if (guests === 0) return { label, value: 'none (no guests)' };
  if (sendUpdatesOf(notify) === 'none') return { label, value: `not e-mailed (notify is off; ${plural(guests, 'guest')} won't be told)` };
  return { label, value: `e-mailed to ${plural(guests, 'guest')}` };
}

/** "invitations e-mailed to 3 guests" / "no e-mails sent" for the result message. */
export function emailOutcome(kind: 'invitations' | 'updates' | 'cancellations', guests: number, notify: boolean | undefined): string {
  const sent = emailedCount(guests, notify);
  return sent ? `${kind} e-mailed to ${plural(sent, 'guest')}` : guests ? `no ${kind} e-mailed` : '';
}

/** "alice@acme.test, bob@acme.test and 8 more" (plain text: approval cards escape preview values). */
export function guestList(emails: readonly string[], max = 8): string {
  if (!emails.length) return 'none';
  const shown = emails.slice(0, max).join(', ');
  return emails.length > max ? `${shown} and ${emails.length - max} more` : shown;
}
