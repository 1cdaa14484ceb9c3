/**
 * The URL of a request, or undefined when its target cannot be one. Never throws: `new URL(target,
 * base)` does on `//`, `//a:b`, `/\` and the like (it reads them as a host), and one such request
 * used to end the process. An origin-form target (`/path?query`) is always read as a path, so
 * `//x` is the path `//x` (answered 404), not the host `x`.
 *
 * @example parseRequestUrl('//a:b')?.pathname // '//a:b'
 */
export function parseRequestUrl(target: string | undefined): URL | undefined {
  if (target === undefined || target === '') return undefined;
  try {
    if (target.startsWith('/')) return new URL(`http://localhost${target}`);
    // Absolute form (`GET http://host/path`), as some proxies send it.
    const url = new URL(target);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** decodeURIComponent without the URIError (`%`, `%E0%A4%A`): undefined when malformed. */
export function decodePathPart(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}
