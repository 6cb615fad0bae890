/**
 * Block Kit → HTML for the demo page, as pure functions over the blocks the bot sent.
 *
 * Interactive elements become real <button>, <a> and <select> elements carrying what a click must send
 * back (`data-action-id`, `data-block-id`, `data-value`, the confirm dialog); the page's script turns a
 * click into a signed `block_actions` request. Images are shown by their alt text: the page makes no
 * request to anywhere but itself.
 */
import { escapeHtml, isSafeHref, type RenderContext, renderMrkdwn, renderPlainText } from './render-mrkdwn.js';

type Json = Record<string, unknown>;

const asObject = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A text object (`mrkdwn` or `plain_text`). */
export function renderTextObject(value: unknown, ctx: RenderContext): string {
  const t = asObject(value);
  const text = str(t.text) ?? '';
  return t.type === 'mrkdwn' ? renderMrkdwn(text, ctx) : renderPlainText(text);
}

/** A message's or view's blocks; unknown block types show as a short note, not as nothing. */
export function renderBlocks(blocks: unknown, ctx: RenderContext): string {
  return asArray(blocks)
    .map((b) => renderBlock(asObject(b), ctx))
    .join('');
}

function renderBlock(block: Json, ctx: RenderContext): string {
  const blockId = str(block.block_id) ?? '';
  switch (block.type) {
    case 'section': {
      const text = block.text ? `<div class="section-text">${renderTextObject(block.text, ctx)}</div>` : '';
      const fields = asArray(block.fields);
      const grid = fields.length ? `<div class="fields">${fields.map((f) => `<div class="field">${renderTextObject(f, ctx)}</div>`).join('')}</div>` : '';
      const accessory = block.accessory ? `<div class="accessory">${renderElement(asObject(block.accessory), blockId, ctx)}</div>` : '';
      return `<div class="block section"><div class="section-main">${text}${grid}</div>${accessory}</div>`;
    }
    case 'header':
      return `<div class="block header">${renderTextObject(block.text, ctx)}</div>`;
    case 'divider':
      return '<hr class="block divider">';
    case 'context':
      return `<div class="block context">${asArray(block.elements)
        .map((e) => {
          const el = asObject(e);
          return el.type === 'image' ? imageAlt(el) : `<span>${renderTextObject(el, ctx)}</span>`;
        })
        .join('')}</div>`;
    case 'actions':
      return `<div class="block actions">${asArray(block.elements)
        .map((e) => renderElement(asObject(e), blockId, ctx))
        .join('')}</div>`;
    case 'markdown':
      return `<div class="block markdown">${renderMrkdwn(str(block.text) ?? '', ctx)}</div>`;
    case 'image':
      return `<div class="block image">${imageAlt(block)}</div>`;
    default:
      return `<div class="block unsupported">[${escapeHtml(String(block.type ?? 'unknown'))} block]</div>`;
  }
}

function imageAlt(el: Json): string {
  return `<span class="image-alt">[image: ${escapeHtml(str(el.alt_text) ?? '')}]</span>`;
}

/** The data attributes a click must send back. */
function actionAttrs(el: Json, blockId: string): string {
  const attrs = [
    `data-action-id="${escapeHtml(str(el.action_id) ?? '')}"`,
    `data-block-id="${escapeHtml(blockId)}"`,
    `data-type="${escapeHtml(String(el.type))}"`,
  ];
  if (typeof el.value === 'string') attrs.push(`data-value="${escapeHtml(el.value)}"`);
  if (el.confirm) attrs.push(`data-confirm="${escapeHtml(JSON.stringify(confirmDialog(asObject(el.confirm))))}"`);
  return attrs.join(' ');
}

/** A confirm object as the page's dialog shows it (all plain strings; the dialog escapes them). */
function confirmDialog(c: Json): { title: string; text: string; confirm: string; deny: string; danger: boolean } {
  return {
    title: str(asObject(c.title).text) ?? 'Are you sure?',
    text: str(asObject(c.text).text) ?? '',
    confirm: str(asObject(c.confirm).text) ?? 'Yes',
    deny: str(asObject(c.deny).text) ?? 'Cancel',
    danger: c.style === 'danger',
  };
}

function renderElement(el: Json, blockId: string, ctx: RenderContext): string {
  switch (el.type) {
    case 'button': {
      const style = el.style === 'primary' || el.style === 'danger' ? ` ${el.style}` : '';
      const label = renderTextObject(el.text, ctx);
      const url = str(el.url);
      if (url && isSafeHref(url))
        return `<a class="btn${style}" href="${escapeHtml(url)}" target="_blank" rel="noopener" ${actionAttrs(el, blockId)}>${label}</a>`;
      return `<button type="button" class="btn${style}" ${actionAttrs(el, blockId)}>${label}</button>`;
    }
    case 'static_select':
    case 'overflow': {
      const options = asArray(el.options).map(asObject);
      const initial = str(asObject(el.initial_option).value);
      const placeholder = el.type === 'overflow' ? '⋯' : (str(asObject(el.placeholder).text) ?? 'Select…');
      const items = options.map((o) => {
        const value = str(o.value) ?? '';
        const text = str(asObject(o.text).text) ?? value;
        return `<option value="${escapeHtml(value)}"${value === initial ? ' selected' : ''}>${escapeHtml(text)}</option>`;
      });
      const prompt = initial === undefined ? `<option value="" disabled selected>${escapeHtml(placeholder)}</option>` : '';
      return `<select class="select" ${actionAttrs(el, blockId)}>${prompt}${items.join('')}</select>`;
    }
    case 'image':
      return imageAlt(el);
    default:
      return `<span class="unsupported">[${escapeHtml(String(el.type ?? 'element'))}]</span>`;
  }
}
