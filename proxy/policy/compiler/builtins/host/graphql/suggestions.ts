/*
 * gqlparser's "Did you mean …?" helpers (validator/suggestionList.go and messaging.go): options within a typo's
 * reach of what was typed, nearest first, listed as an English "or" list of at most five.
 */

import type { WorkBudget } from './errors.js';

/**
 * suggestionList keeps the options whose lexical distance from `input` is at most 40% of its length (plus one),
 * ordered by distance. Go sorts with sort.Slice, which keeps equal distances in order for up to twelve options.
 * Each distance costs work in proportion to the two lengths.
 */
export function suggestionList(input: string, options: readonly string[], budget: WorkBudget): string[] {
  const threshold = Math.floor(byteLength(input) * 0.4) + 1;
  const distances = new Map<string, number>();
  const results: string[] = [];
  for (const option of options) {
    budget.spend(1 + Math.floor((input.length * option.length) / 64));
    const distance = lexicalDistance(input, option);
    if (distance <= threshold) {
      results.push(option);
      distances.set(option, distance);
    }
  }
  return results.sort((a, b) => distances.get(a)! - distances.get(b)!);
}

/** lexicalDistance is the Levenshtein distance, except that a change of case alone counts as one edit. */
function lexicalDistance(a: string, b: string): number {
  if (a === b) return 0;
  const lowerA = a.toLowerCase();
  const lowerB = b.toLowerCase();
  if (lowerA === lowerB) return 1;
  return levenshtein([...lowerA], [...lowerB]);
}

function levenshtein(a: readonly string[], b: readonly string[]): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** orList joins at most five items: "a", "a or b", "a, b, or c". */
export function orList(items: readonly string[]): string {
  const shown = items.slice(0, 5);
  if (shown.length === 2) return `${shown[0]} or ${shown[1]}`;
  return shown.map((item, i) => (i === 0 ? item : i === shown.length - 1 ? `, or ${item}` : `, ${item}`)).join('');
}

/** quotedOrList is orList with every item in double quotes. */
export function quotedOrList(items: readonly string[]): string {
  return orList(items.map((item) => `"${item}"`));
}

/** didYouMean is the " Did you mean …?" suffix for the suggestions of `typed`, or "" when there are none. */
export function didYouMean(
  prefix: string,
  typed: string,
  options: readonly string[],
  quoted: boolean,
  budget: WorkBudget,
): string {
  const suggested = suggestionList(typed, options, budget);
  if (suggested.length === 0) return '';
  return ` ${prefix} ${quoted ? quotedOrList(suggested) : orList(suggested)}?`;
}
