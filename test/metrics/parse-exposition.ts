/**
 * A strict reader of the Prometheus text format 0.0.4, written from the format's description rather than from the
 * renderer, so a test can check that what Airlock renders is what a scraper reads. It throws on any line it cannot
 * read, on a sample before its family's TYPE, and on a family declared twice.
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly help: Readonly<Record<string, string>>;
  readonly types: Readonly<Record<string, string>>;
  readonly samples: readonly Sample[];
  /** value finds the one sample with this name and exactly these labels; throws when there is none. */
  value(name: string, labels: Readonly<Record<string, string>>): number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const HELP_LINE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_LINE = new RegExp(`^(${NAME})(\\{.*\\})? (\\S+)$`);
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

export function parseExposition(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const help: Record<string, string> = {};
  const types: Record<string, string> = {};
  const samples: Sample[] = [];
  for (const line of text.slice(0, -1).split('\n')) {
    const helpMatch = HELP_LINE.exec(line);
    if (helpMatch) {
      const [, name = '', escaped = ''] = helpMatch;
      if (name in help) throw new Error(`HELP for ${name} twice`);
      help[name] = unescape(escaped, false);
      continue;
    }
    const typeMatch = TYPE_LINE.exec(line);
    if (typeMatch) {
      const [, name = '', type = ''] = typeMatch;
      if (name in types) throw new Error(`TYPE for ${name} twice`);
      types[name] = type;
      continue;
    }
    const sampleMatch = SAMPLE_LINE.exec(line);
    if (!sampleMatch) throw new Error(`unreadable line: ${JSON.stringify(line)}`);
    const [, name = '', labelText, valueText = ''] = sampleMatch;
    const family = familyOf(name, types);
    if (family === undefined) throw new Error(`sample ${name} before its TYPE`);
    samples.push({ name, labels: labelText === undefined ? {} : parseLabels(labelText), value: parseValue(valueText) });
  }
  checkHistograms(types, samples);
  return {
    help,
    types,
    samples,
    value(name, labels) {
      const wanted = JSON.stringify(Object.entries(labels).sort());
      const found = samples.find(
        (sample) => sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === wanted,
      );
      if (found === undefined) throw new Error(`no sample ${name} ${wanted}`);
      return found.value;
    },
  };
}

function familyOf(name: string, types: Record<string, string>): string | undefined {
  if (name in types) return name;
  const suffix = HISTOGRAM_SUFFIXES.find((ending) => name.endsWith(ending));
  if (suffix === undefined) return undefined;
  const base = name.slice(0, -suffix.length);
  return types[base] === 'histogram' ? base : undefined;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text.slice(1, -1);
  while (rest !== '') {
    const match = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,?)/.exec(rest);
    if (!match) throw new Error(`unreadable labels: ${text}`);
    const [whole, name = '', value = '', comma] = match;
    if (name in labels) throw new Error(`label ${name} twice in ${text}`);
    labels[name] = unescape(value, true);
    rest = rest.slice(whole.length);
    if (comma === '' && rest !== '') throw new Error(`labels not separated by commas: ${text}`);
  }
  return labels;
}

function unescape(text: string, quotes: boolean): string {
  return text.replace(/\\(.)/g, (whole, next: string) => {
    if (next === '\\') return '\\';
    if (next === 'n') return '\n';
    if (next === '"' && quotes) return '"';
    throw new Error(`bad escape ${whole}`);
  });
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new Error(`unreadable value ${text}`);
  return value;
}

/** Buckets must be cumulative, end in +Inf, and that bucket must equal _count. */
function checkHistograms(types: Record<string, string>, samples: readonly Sample[]): void {
  for (const [family, type] of Object.entries(types)) {
    if (type !== 'histogram') continue;
    const groups = new Map<string, Sample[]>();
    for (const sample of samples.filter((candidate) => candidate.name === `${family}_bucket`)) {
      const { le, ...rest } = sample.labels;
      if (le === undefined) throw new Error(`${family}_bucket without le`);
      const key = JSON.stringify(Object.entries(rest).sort());
      groups.set(key, [...(groups.get(key) ?? []), sample]);
    }
    for (const [key, buckets] of groups) {
      let previous = -Infinity;
      for (const bucket of buckets) {
        if (bucket.value < previous) throw new Error(`${family} buckets are not cumulative`);
        previous = bucket.value;
      }
      const last = buckets.at(-1);
      if (last?.labels['le'] !== '+Inf') throw new Error(`${family} buckets do not end in +Inf`);
      const count = samples.find(
        (sample) => sample.name === `${family}_count` && JSON.stringify(Object.entries(sample.labels).sort()) === key,
      );
      if (count?.value !== last.value) throw new Error(`${family}_count differs from its +Inf bucket`);
    }
  }
}
