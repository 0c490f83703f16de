/*
 * Quoting for the lines Airlock prints for a shell to run. Single quotes, so that nothing inside is expanded: no `$`,
 * no backquote, no glob.
 */

/** quoteForSh quotes `text` as one word for a POSIX shell (sh, bash, zsh): `'it'\''s'`. */
export function quoteForSh(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** quoteForFish quotes `text` as one word for fish, where a backslash escapes `'` and `\` inside single quotes. */
export function quoteForFish(text: string): string {
  return `'${text.replace(/[\\']/g, '\\$&')}'`;
}

/** shellWord is `text` as a POSIX shell word, quoted only when it has to be, for commands shown to a person. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : quoteForSh(text);
}
