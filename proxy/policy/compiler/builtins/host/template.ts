/*
 * The part of Go's text/template that strings.render_template needs in practice: text, field chains
 * (`{{.a.b}}`, `{{.}}`, `{{$.a}}`), `if`/`else if`/`else`, `range`, `with`, `end`, comments and `{{-`/`-}}` trimming,
 * with OPA's `missingkey=error`. Variables are OPA's object turned into Go values by a JSON round trip, so numbers
 * print as Go's %v prints a float64 (1234567 → 1.234567e+06). Functions, pipes and variables are not implemented:
 * a template using them is refused (HostLimitError), never rendered differently.
 */

import { BuiltinError, HostLimitError } from './errors.js';
import { formatGoFloat } from './go-float.js';
import { compareStrings, type JsonObject, objectEntries, type RegoObject, RegoSet, type RegoValue } from './value.js';

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'print'; path: Path }
  | { kind: 'if' | 'with' | 'range'; path: Path; body: Node[]; otherwise: Node[] };

/** Path is a field chain: from `.` (root false) or from `$` (root true). */
interface Path {
  root: boolean;
  fields: string[];
}

interface Token {
  kind: 'text' | 'action';
  text: string;
}

function tokenize(template: string): Token[] {
  const tokens: Token[] = [];
  let rest = template;
  let trimNextText = false;
  while (rest.length > 0) {
    const open = rest.indexOf('{{');
    let text = open === -1 ? rest : rest.slice(0, open);
    if (trimNextText) text = text.replace(/^[ \t\r\n]+/, '');
    trimNextText = false;
    if (open === -1) {
      tokens.push({ kind: 'text', text });
      break;
    }
    let inside = rest.slice(open + 2);
    if (/^- /.test(inside) || /^-[\t\r\n]/.test(inside)) {
      text = text.replace(/[ \t\r\n]+$/, '');
      inside = inside.slice(1);
    }
    tokens.push({ kind: 'text', text });
    const close = inside.indexOf('}}');
    if (close === -1) throw new BuiltinError('template: unclosed action');
    let action = inside.slice(0, close);
    if (/[ \t\r\n]-$/.test(action)) {
      action = action.slice(0, -1);
      trimNextText = true;
    }
    tokens.push({ kind: 'action', text: action.trim() });
    rest = inside.slice(close + 2);
  }
  return tokens;
}

function parsePath(text: string): Path {
  if (text === '.') return { root: false, fields: [] };
  if (text === '$') return { root: true, fields: [] };
  const match = /^(\$?)((?:\.[A-Za-z_][A-Za-z0-9_]*)+)$/.exec(text);
  if (match === null) {
    throw new HostLimitError(`strings.render_template: the template action {{${text}}} is not supported on the host`);
  }
  return { root: match[1] === '$', fields: match[2]!.slice(1).split('.') };
}

function parse(tokens: Token[]): Node[] {
  let position = 0;
  type Ending = { word: '' | 'else' | 'else if' | 'end'; argument: string };
  const block = (terminators: readonly string[]): { nodes: Node[]; ending: Ending } => {
    const nodes: Node[] = [];
    while (position < tokens.length) {
      const token = tokens[position++]!;
      if (token.kind === 'text') {
        if (token.text !== '') nodes.push({ kind: 'text', text: token.text });
        continue;
      }
      const action = token.text;
      if (action.startsWith('/*') && action.endsWith('*/')) continue;
      const keyword = /^(if|with|range|else if|else|end)\b\s*(.*)$/s.exec(action);
      if (keyword === null) {
        nodes.push({ kind: 'print', path: parsePath(action) });
        continue;
      }
      const word = keyword[1]!;
      const argument = keyword[2]!;
      if (word === 'end' || word === 'else' || word === 'else if') {
        if (!terminators.includes(word)) throw new BuiltinError(`template: unexpected {{${action}}}`);
        return { nodes, ending: { word, argument } };
      }
      nodes.push(conditional(word as 'if' | 'with' | 'range', argument));
    }
    if (terminators.length > 0) throw new BuiltinError('template: unexpected EOF');
    return { nodes, ending: { word: '', argument: '' } };
  };
  const conditional = (kind: 'if' | 'with' | 'range', argument: string): Node => {
    const path = parsePath(argument.trim());
    const body = block(['else', 'else if', 'end']);
    let otherwise: Node[] = [];
    // `else if X` is an `else` holding `if X …`, which ends at the shared `end`.
    if (body.ending.word === 'else if') otherwise = [conditional('if', body.ending.argument)];
    else if (body.ending.word === 'else') otherwise = block(['end']).nodes;
    return { kind, path, body: body.nodes, otherwise };
  };
  return block([]).nodes;
}

/** GoValue is a variable after OPA's JSON round trip into Go's `any`. */
type GoValue = null | boolean | number | string | GoValue[] | { [key: string]: GoValue };

function toGoValue(value: RegoValue): GoValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toGoValue);
  if (value instanceof RegoSet) return value.members.map(toGoValue);
  const out: { [key: string]: GoValue } = {};
  for (const [k, v] of objectEntries(value as JsonObject | RegoObject)) {
    out[typeof k === 'string' ? k : JSON.stringify(k)] = toGoValue(v);
  }
  return out;
}

function isMap(value: GoValue): value is { [key: string]: GoValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolve(path: Path, dot: GoValue, root: GoValue): GoValue {
  let value = path.root ? root : dot;
  for (const field of path.fields) {
    if (!isMap(value)) {
      throw new BuiltinError(`template: can't evaluate field ${field}`);
    }
    if (!Object.hasOwn(value, field)) throw new BuiltinError(`template: map has no entry for key "${field}"`);
    value = value[field]!;
  }
  return value;
}

function truthy(value: GoValue): boolean {
  if (value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isMap(value)) return Object.keys(value).length > 0;
  return true;
}

/** printGo prints a value as fmt's %v does. */
function printGo(value: GoValue, nested: boolean): string {
  if (value === null) return nested ? '<nil>' : '<no value>';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return (value < 0 ? '-' : '') + formatGoFloat(value, 'g', -1);
  if (Array.isArray(value)) return `[${value.map((v) => printGo(v, true)).join(' ')}]`;
  const keys = Object.keys(value).sort(compareStrings);
  return `map[${keys.map((k) => `${k}:${printGo(value[k]!, true)}`).join(' ')}]`;
}

function execute(nodes: readonly Node[], dot: GoValue, root: GoValue): string {
  let out = '';
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        out += node.text;
        break;
      case 'print':
        out += printGo(resolve(node.path, dot, root), false);
        break;
      case 'if': {
        const value = resolve(node.path, dot, root);
        out += execute(truthy(value) ? node.body : node.otherwise, dot, root);
        break;
      }
      case 'with': {
        const value = resolve(node.path, dot, root);
        out += truthy(value) ? execute(node.body, value, root) : execute(node.otherwise, dot, root);
        break;
      }
      case 'range': {
        const value = resolve(node.path, dot, root);
        const items = Array.isArray(value)
          ? value
          : isMap(value)
            ? Object.keys(value)
                .sort(compareStrings)
                .map((k) => value[k]!)
            : undefined;
        if (items === undefined) {
          if (value === null) {
            out += execute(node.otherwise, dot, root);
            break;
          }
          throw new BuiltinError(`template: range can't iterate over ${printGo(value, false)}`);
        }
        if (items.length === 0) out += execute(node.otherwise, dot, root);
        for (const item of items) out += execute(node.body, item, root);
        break;
      }
    }
  }
  return out;
}

/** renderTemplate renders a Go text/template with the variables of an object, as strings.render_template. */
export function renderTemplate(builtin: string, template: string, variables: JsonObject | RegoObject): string {
  const root = toGoValue(variables);
  try {
    return execute(parse(tokenize(template)), root, root);
  } catch (error) {
    if (error instanceof BuiltinError) throw new BuiltinError(`${builtin}: ${error.message}`);
    throw error;
  }
}
