import { z } from 'zod';
import { codePointLength, isWholeText } from '../../dialogs/code-points.js';

export interface StorableLimits {
  /** Nesting depth of objects and arrays. */
  depth: number;
  /** Values in all (every key, item and leaf counts one). */
  nodes: number;
  /** Characters of one string or key. */
  string: number;
}

const defaults: StorableLimits = { depth: 6, nodes: 200, string: 1000 };

/**
 * Why a JSON value from a client cannot be stored as it is in MongoDB and FerretDB v1, or
 * undefined when it can: keys starting with `$` or holding `.` or NUL, arrays directly in
 * arrays (FerretDB v1 refuses them), numbers that are not finite (`1e999`), half an emoji,
 * or more nesting, values or characters than a chat needs. Checked at the edge, so that such
 * a value gets a 400 rather than a database error (and a 500).
 *
 * @example storableProblem({ $where: 1 }) // 'a key starts with $'
 */
export function storableProblem(
  value: unknown,
  limits: StorableLimits = defaults,
): string | undefined {
  let nodes = 0;
  const visit = (item: unknown, depth: number, inArray: boolean): string | undefined => {
    nodes += 1;
    if (nodes > limits.nodes) return `more than ${limits.nodes} values`;
    if (item === null || typeof item === 'boolean') return undefined;
    if (typeof item === 'number')
      return Number.isFinite(item) ? undefined : 'a number is not finite';
    if (typeof item === 'string') return stringProblem(item, limits.string);
    if (depth >= limits.depth) return `nested deeper than ${limits.depth}`;
    if (Array.isArray(item)) {
      if (inArray) return 'an array inside an array';
      for (const element of item) {
        const problem = visit(element, depth + 1, true);
        if (problem) return problem;
      }
      return undefined;
    }
    if (typeof item !== 'object') return `a ${typeof item} is not JSON`;
    for (const [key, child] of Object.entries(item)) {
      nodes += 1;
      if (key.startsWith('$')) return 'a key starts with $';
      if (key.includes('.')) return 'a key contains a dot';
      if (key === '' || key.includes('\0')) return 'a key is empty or contains NUL';
      const problem = stringProblem(key, 100) ?? visit(child, depth + 1, false);
      if (problem) return problem;
    }
    return undefined;
  };
  return visit(value, 0, false);
}

function stringProblem(text: string, max: number): string | undefined {
  if (codePointLength(text) > max) return `a string is longer than ${max} characters`;
  if (!isWholeText(text)) return 'a string contains a broken character';
  return undefined;
}

/** A zod schema of any JSON value storableProblem accepts. */
export function storableJson(limits: StorableLimits = defaults) {
  return z.unknown().superRefine((value, ctx) => {
    const problem = storableProblem(value, limits);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}
