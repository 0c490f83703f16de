/**
 * HTML for the approval pages is built with one tagged template, `html`, that escapes every interpolated value unless
 * it is already `SafeHtml` (the result of another `html` template). Escaping is the default, so a value cannot reach
 * the page unescaped by being forgotten: an agent chooses its call's parameters, and they are shown to approvers.
 */

/** SafeHtml is markup that is safe to insert as it is: built by `html`, with every value in it escaped. */
export class SafeHtml {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

/** HtmlValue is what `html` accepts between its literal parts; `undefined`, `null` and `false` render as nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** escapeHtml makes text safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

/**
 * html builds markup from a template: literal parts are kept, values are escaped (arrays are joined, SafeHtml is
 * kept as it is).
 *
 * @example
 * html`<td>${parameterName}</td>` // a parameter called `<script>` shows as text
 */
export function html(literals: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let text = literals[0] ?? '';
  values.forEach((value, index) => {
    text += render(value) + (literals[index + 1] ?? '');
  });
  return new SafeHtml(text);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}
