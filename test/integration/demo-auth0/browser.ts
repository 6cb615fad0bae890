/**
 * A small browser for the Auth0 stand-in's pages: follows redirects, reads the forms of an HTML
 * page and submits one by the text of its button, as a person clicks it.
 */

export interface Page {
  /** Where the browser ended up (after redirects). */
  url: string;
  status: number;
  html: string;
}

export interface SubmittedForm {
  /** Absolute URL the form posts to. */
  action: string;
  /** The hidden fields and the clicked button's name=value, as the browser would post them. */
  fields: Record<string, string>;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescapeHtml = (s: string) => s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);
const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m?.[1] === undefined ? undefined : unescapeHtml(m[1]);
};

/** The text of every button on the page, in order. */
export function buttonTexts(page: Page): string[] {
  return [...page.html.matchAll(/<button[^>]*>([^<]*)<\/button>/g)].map((m) => unescapeHtml(m[1] ?? ''));
}

/** The page's title and headings. */
export function headingOf(page: Page): { title: string; h1: string } {
  return {
    title: unescapeHtml(/<title>([^<]*)<\/title>/.exec(page.html)?.[1] ?? ''),
    h1: unescapeHtml(/<h1>([^<]*)<\/h1>/.exec(page.html)?.[1] ?? ''),
  };
}

/** What clicking the button with exactly this text would post. */
export function formFor(page: Page, buttonText: string): SubmittedForm {
  for (const [, open = '', inner = ''] of page.html.matchAll(/(<form[^>]*>)([\s\S]*?)<\/form>/g)) {
    const button = [...inner.matchAll(/(<button[^>]*>)([^<]*)<\/button>/g)].find((b) => unescapeHtml(b[2] ?? '') === buttonText);
    if (!button) continue;
    const fields: Record<string, string> = {};
    for (const [input] of inner.matchAll(/<input[^>]*>/g)) {
      const name = attr(input, 'name');
      if (name !== undefined && attr(input, 'type') === 'hidden') fields[name] = attr(input, 'value') ?? '';
    }
    const name = attr(button[1] ?? '', 'name');
    if (name !== undefined) fields[name] = attr(button[1] ?? '', 'value') ?? '';
    if ((attr(open, 'method') ?? 'get').toLowerCase() !== 'post') throw new Error('expected a POST form');
    return { action: new URL(attr(open, 'action') ?? '', page.url).toString(), fields };
  }
  throw new Error(`No "${buttonText}" button on the page; it has: ${buttonTexts(page).join(', ')}`);
}

export function createBrowser() {
  async function follow(first: Response, from: string): Promise<Page> {
    let res = first;
    let url = from;
    for (let hop = 0; hop < 8; hop++) {
      const location = res.headers.get('location');
      if (!(res.status >= 300 && res.status < 400 && location)) return { url, status: res.status, html: await res.text() };
      await res.body?.cancel();
      url = new URL(location, url).toString();
      res = await fetch(url, { redirect: 'manual' });
    }
    throw new Error('too many redirects');
  }

  return {
    async open(url: string): Promise<Page> {
      return follow(await fetch(url, { redirect: 'manual' }), url);
    },
    /** Posts a form (as read with formFor) and follows the answer's redirects. */
    async post(form: SubmittedForm, action = form.action): Promise<Page> {
      const res = await fetch(action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form.fields).toString(),
        redirect: 'manual',
      });
      return follow(res, action);
    },
    /** Clicks the button with exactly this text. */
    click(page: Page, buttonText: string): Promise<Page> {
      return this.post(formFor(page, buttonText));
    },
  };
}
