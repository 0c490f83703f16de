import { html, SafeHtml } from './html.js';

/**
 * The frame every approval page shares: the document head, the style sheet, and the headers that go with it. The
 * pages work without JavaScript; scripts and styles run only with the nonce of the response they came in.
 */

/** PageOptions describe one page. */
export interface PageOptions {
  readonly title: string;
  /** The response's CSP nonce. */
  readonly nonce: string;
  readonly body: SafeHtml;
  /** Reload the page after this many seconds (when the approval shown expires), without JavaScript. */
  readonly refreshAfterSeconds?: number;
  /** A script to run, under the nonce: progressive enhancement only, the page must not need it. */
  readonly script?: string;
}

/** securityHeaders are the headers every page is served with. */
export function securityHeaders(nonce: string): Readonly<Record<string, string>> {
  return {
    'Content-Security-Policy': [
      "default-src 'none'",
      `style-src 'nonce-${nonce}'`,
      `script-src 'nonce-${nonce}'`,
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    // The link token is in the page's URL: no request from the page may carry it elsewhere.
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
  };
}

/** renderPage gives a complete HTML document. */
export function renderPage(options: PageOptions): string {
  const refresh =
    options.refreshAfterSeconds === undefined
      ? undefined
      : html`<meta http-equiv="refresh" content="${options.refreshAfterSeconds}" />`;
  const script =
    options.script === undefined
      ? undefined
      : html`<script nonce="${options.nonce}">
          ${scriptText(options.script)};
        </script>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        ${refresh}
        <title>${options.title} · Airlock</title>
        <style nonce="${options.nonce}">
          ${STYLE}
        </style>
      </head>
      <body>
        <header class="banner"><span class="brand">Airlock</span> approvals</header>
        <main>${options.body}</main>
        ${script}
      </body>
    </html> `.text;
}

/** scriptText keeps a script from closing its own element early; scripts here are constants, this is a second belt. */
function scriptText(script: string): SafeHtml {
  return new SafeHtml(script.replace(/<\/(script)/gi, '<\\/$1'));
}

const STYLE = html`
  :root { color-scheme: light dark; --fg: #1d232a; --muted: #5b6570; --bg: #f6f7f9; --card: #fff; --line: #d9dee3;
  --approve: #1a7f37; --deny: #b42318; --warn: #9a6700; --accent: #0b5cad; } @media (prefers-color-scheme: dark) { :root
  { --fg: #e6e9ec; --muted: #9aa5b1; --bg: #14181c; --card: #1c2127; --line: #323a42; --approve: #3fb950; --deny:
  #f47067; --warn: #d29922; --accent: #58a6ff; } } * { box-sizing: border-box; } body { margin: 0; font: 16px/1.5
  system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); } .banner {
  padding: .75rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--card); color: var(--muted); } .brand {
  font-weight: 700; color: var(--fg); } main { max-width: 56rem; margin: 1.5rem auto; padding: 0 1rem; } h1 { font-size:
  1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; } p { margin: .5rem 0; } .card {
  background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; } .lead { color:
  var(--muted); margin-bottom: 1rem; } table { width: 100%; border-collapse: collapse; } th, td { text-align: left;
  vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid var(--line); } th { width: 12rem; color:
  var(--muted); font-weight: 600; } table.votes th { width: auto; } code, pre { font: 14px/1.45 ui-monospace,
  SFMono-Regular, Menlo, Consolas, monospace; } td code { overflow-wrap: anywhere; } pre { margin: 0; padding: .75rem;
  overflow-x: auto; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; white-space: pre-wrap;
  overflow-wrap: anywhere; } .state { display: inline-block; padding: .1rem .6rem; border-radius: 999px; font-size:
  .9rem; font-weight: 600; border: 1px solid currentColor; } .state-pending { color: var(--warn); } .state-approved {
  color: var(--approve); } .state-denied, .state-expired, .state-cancelled { color: var(--deny); } .time-left {
  font-weight: 600; } .muted { color: var(--muted); } form { display: grid; gap: .75rem; } label { font-weight: 600;
  display: grid; gap: .25rem; } input[type=password], textarea { width: 100%; padding: .5rem; font: inherit; color:
  inherit; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; } textarea { min-height: 4.5rem;
  resize: vertical; } .buttons { display: flex; gap: .75rem; flex-wrap: wrap; } button { font: inherit; font-weight:
  600; padding: .55rem 1.4rem; border-radius: 6px; border: 1px solid transparent; color: #fff; cursor: pointer; }
  button.approve { background: var(--approve); } button.deny { background: var(--deny); } button:focus-visible {
  outline: 3px solid var(--accent); outline-offset: 2px; } .outcome { font-size: 1.25rem; font-weight: 700; }
  .outcome-approved { color: var(--approve); } .outcome-pending { color: var(--warn); } .outcome-denied,
  .outcome-expired, .outcome-refused { color: var(--deny); } a { color: var(--accent); }
`;
