// Ready-to-paste examples for an application of one's own (a sign-up form's back end, another website) that creates
// users through a tenant's SCIM API: curl for a shell and fetch for Node, with the real base URL and token filled in.

/** The user the examples create: a placeholder person, replaced by the form's values. */
const SAMPLE_USER = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: 'sam@example.com',
  name: { givenName: 'Sam', familyName: 'Lee' },
  emails: [{ value: 'sam@example.com', primary: true }],
};

/** A word for a POSIX shell, in single quotes. */
const shellWord = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface SignupExamples {
  /** a shell command that creates the sample user */
  curl: string;
  /** a Node.js (18+) ES module snippet that does the same; the token belongs on a server, never in a browser */
  fetch: string;
}

/** The examples for one tenant's SCIM base URL and one of its tokens. */
export function signupExamples(scimBaseUrl: string, token: string): SignupExamples {
  const url = `${scimBaseUrl}/Users`;
  const curl = [
    `curl -sS -X POST ${shellWord(url)} \\`,
    `  -H ${shellWord(`Authorization: Bearer ${token}`)} \\`,
    `  -H 'Content-Type: application/scim+json' \\`,
    `  -d ${shellWord(JSON.stringify(SAMPLE_USER))}`,
  ].join('\n');
  const fetchSnippet = [
    '// Run on your server (Node.js 18+): the token must never reach a browser.',
    `const res = await fetch(${JSON.stringify(url)}, {`,
    `  method: 'POST',`,
    `  headers: { authorization: ${JSON.stringify(`Bearer ${token}`)}, 'content-type': 'application/scim+json' },`,
    `  body: JSON.stringify(${JSON.stringify(SAMPLE_USER)}),`,
    '});',
    'console.log(res.status, await res.json());',
  ].join('\n');
  return { curl, fetch: fetchSnippet };
}
