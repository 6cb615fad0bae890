/**
 * Recognisable credential shapes. A defence in depth: the design keeps tokens out of logs,
 * messages and model context in the first place; this catches what slips through text
 * (an upstream error message quoting a header, a stack trace) before it is written anywhere.
 * Lengths are open-ended on purpose: GitHub's newer installation tokens are not 40 characters.
 */
const SECRET_PATTERNS: RegExp[] = [
  /\bxox[abposr]-[A-Za-z0-9-]{6,}/g, // Slack bot/user/app tokens
  /\bxapp-[A-Za-z0-9-]{6,}/g, // Slack app-level token
  /\bgh[pousr]_[A-Za-z0-9_]{8,}/g, // GitHub tokens (classic, OAuth, user-to-server, server, refresh)
  /\bgithub_pat_[A-Za-z0-9_]{8,}/g, // GitHub fine-grained PAT
  /\bya29\.[A-Za-z0-9._-]{8,}/g, // Google OAuth access token
  /\b1\/\/[A-Za-z0-9._-]{16,}/g, // Google refresh token
  /\bgsk_[A-Za-z0-9]{8,}/g, // Groq API key
  /\bsk-[A-Za-z0-9_-]{16,}/g, // OpenAI-style API key
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, // JWTs (id/access tokens)
  /\b(Bearer|token)\s+(?=[A-Za-z._~+/=-]*\d)[A-Za-z0-9._~+/=-]{16,}/gi, // authorization header values (a credential has digits; prose does not)
  /(?<=[?&#](?:access_token|refresh_token|id_token|token|client_secret|code)=)[^&#\s"']+/gi, // credentials in URLs
];

export const REDACTED = '[REDACTED]';

export function scrubSecrets(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, REDACTED);
  return out;
}

/** Field names whose values are credentials wherever they appear in a structured object. */
export const SECRET_FIELD_NAMES = [
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'subject_token',
  'client_secret',
  'clientSecret',
  'authorization',
  'Authorization',
  'password',
  'secret',
  'signingSecret',
  'botToken',
  'apiKey',
];
