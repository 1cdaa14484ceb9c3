/** What a log line may say of a failure: never the content it may carry. */
export interface ErrorSummary {
  type: string;
  code?: string | number;
  codeName?: string;
  message?: string;
  stack?: string[];
  cause?: ErrorSummary;
}

const maxMessage = 300;
const maxFrames = 12;

/**
 * An error as a log line may show it: its type, code and a message whose quoted parts are
 * removed, its stack frames, its cause, and nothing else. Errors of the driver, zod, JSON.parse
 * or botbuilder carry what failed (the document written, the request sent, the body read) in
 * their properties or their message, and those hold what people wrote: never logged, at any
 * level. Anything thrown that is not an Error is reported by its type only.
 *
 * @example summariseError(new SyntaxError('Unexpected token \'b\', "bonjour" is not valid JSON'))
 *   // { type: 'SyntaxError', message: 'Unexpected token \'b\', "…" is not valid JSON', stack: [...] }
 */
export function summariseError(error: unknown, depth = 0): ErrorSummary {
  if (!(error instanceof Error)) return { type: error === null ? 'null' : typeof error };
  const summary: ErrorSummary = { type: error.name || error.constructor.name };
  const code = propertyOf(error, 'code');
  if (typeof code === 'string' || typeof code === 'number') summary.code = code;
  const codeName = propertyOf(error, 'codeName');
  if (typeof codeName === 'string') summary.codeName = codeName;
  const errorCode = propertyOf(error, 'error_code');
  if (typeof errorCode === 'number' && summary.code === undefined) summary.code = errorCode;
  if (error.message) summary.message = withoutQuotes(error.message);
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => line.startsWith('    at '))
    .slice(0, maxFrames)
    .map((line) => line.trim());
  if (frames.length > 0) summary.stack = frames;
  if (error.cause !== undefined && depth < 3)
    summary.cause = summariseError(error.cause, depth + 1);
  return summary;
}

/** The message with every quoted part (where libraries put values) replaced by « … ». */
export function withoutQuotes(message: string): string {
  const plain = message
    .replace(/"(?:[^"\\]|\\.)*"?/g, '"…"')
    .replace(/`[^`]*`?/g, '`…`')
    .replace(/'[^'\n]{2,}'/g, "'…'")
    .replace(/\{[^{}]*\}/g, '{…}');
  return plain.length > maxMessage ? `${plain.slice(0, maxMessage)}…` : plain;
}

function propertyOf(error: Error, key: string): unknown {
  return Object.getOwnPropertyDescriptor(error, key)?.value;
}
