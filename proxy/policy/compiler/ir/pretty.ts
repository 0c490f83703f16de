import type { Block, Operand, Policy, Stmt } from './ir.js';

/*
 * prettyPolicy prints a Policy as indented text, one statement a line, as OPA's `ir.Pretty`: for golden files,
 * debugging and review. Strings print as their text, locals as `L<n>`.
 */

/** prettyPolicy returns the text form of a whole policy. */
export function prettyPolicy(policy: Policy): string {
  const out: string[] = [];
  const op = (o: Operand): string =>
    o.type === 'local'
      ? `L${o.value}`
      : o.type === 'bool'
        ? String(o.value)
        : JSON.stringify(policy.static.strings[o.value]);
  const block = (b: Block, depth: number): void => {
    for (const s of b.stmts) stmt(s, depth);
  };
  const blocks = (bs: Block[], depth: number): void => {
    bs.forEach((b, i) => {
      out.push(`${'  '.repeat(depth)}block ${i}:`);
      block(b, depth + 1);
    });
  };
  const stmt = (s: Stmt, depth: number): void => {
    const pad = '  '.repeat(depth);
    const line = (text: string) => out.push(pad + text);
    switch (s.type) {
      case 'BlockStmt':
        line('Block');
        blocks(s.blocks, depth + 1);
        return;
      case 'NotStmt':
        line('Not');
        block(s.block, depth + 1);
        return;
      case 'ScanStmt':
        line(`Scan L${s.source} key=L${s.key} value=L${s.value}`);
        block(s.block, depth + 1);
        return;
      case 'WithStmt':
        line(
          `With L${s.local} [${s.path.map((i) => JSON.stringify(policy.static.strings[i])).join(', ')}] = ${op(s.value)}`,
        );
        block(s.block, depth + 1);
        return;
      default: {
        const fields = Object.entries(s)
          .filter(([k]) => k !== 'type' && k !== 'loc')
          .map(([k, v]) => `${k}=${show(v)}`);
        line(`${s.type.replace(/Stmt$/, '')} ${fields.join(' ')}`);
      }
    }
  };
  const show = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
    if (v !== null && typeof v === 'object' && 'type' in v) return op(v as Operand);
    return String(v);
  };
  for (const p of policy.plans) {
    out.push(`plan ${p.name}`);
    blocks(p.blocks, 1);
  }
  for (const f of policy.funcs) {
    out.push(`func ${f.name}(${f.params.map((l) => `L${l}`).join(', ')}) → L${f.ret}`);
    blocks(f.blocks, 1);
  }
  return out.join('\n');
}
