/** A signed-in session of the admin site over plain HTTP (fetch), as a browser would hold it. */
export interface SiteSession {
  cookie: string;
  csrf: string;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  post(
    path: string,
    fields: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<Response>;
}

/** The sign-in form's token and the cookie set with it. */
export async function signInForm(url: string): Promise<{ csrf: string; cookie: string }> {
  const page = await fetch(`${url}/admin/sign-in`);
  const html = await page.text();
  return {
    csrf: /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '',
    cookie: (page.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '',
  };
}

/** Posts the sign-in form as the browser does (same origin); the raw response. */
export async function postSignIn(
  url: string,
  credential: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  const form = await signInForm(url);
  return fetch(`${url}/admin/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: form.cookie,
      origin: url,
      'sec-fetch-site': 'same-origin',
      ...headers,
    },
    body: new URLSearchParams({ csrf: form.csrf, credential, next: '/admin' }),
  });
}

/** Signs in with a credential and returns the session; throws if it was refused. */
export async function signIn(url: string, credential: string): Promise<SiteSession> {
  const response = await postSignIn(url, credential);
  if (response.status !== 303) throw new Error(`sign-in refused: ${response.status}`);
  const cookie =
    response.headers
      .getSetCookie()
      .find((c) => c.startsWith('concerto_admin='))
      ?.split(';')[0] ?? '';
  const overview = await fetch(`${url}/admin`, { headers: { cookie } });
  const csrf = /name="csrf" value="([^"]+)"/.exec(await overview.text())?.[1] ?? '';
  return {
    cookie,
    csrf,
    get: (path, headers = {}) =>
      fetch(`${url}${path}`, { redirect: 'manual', headers: { cookie, ...headers } }),
    post: (path, fields, headers = {}) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie,
          origin: url,
          'sec-fetch-site': 'same-origin',
          ...headers,
        },
        body: new URLSearchParams(fields),
      }),
  };
}
