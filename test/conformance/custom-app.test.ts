// A merchant's own application ("our other website") calling the SCIM API from a sign-up form, as the copy-paste curl
// and fetch examples do: POST /Users with a bearer token and a JSON body, and the answers such a developer relies on.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ScimHarness } from '../helpers/scim.js';
import { URN, withFilter, patchOp, assertError, assertList, assertCreated, assertScimJson, startSuite } from './support.js';

/** The body of the sign-up example: the smallest useful user, without `schemas`. */
function signUp(email: string, given: string, family: string, extra: Record<string, unknown> = {}) {
  return { userName: email, name: { givenName: given, familyName: family }, emails: [{ value: email, primary: true }], ...extra };
}

describe('Custom application: sign-up form', () => {
  let h: ScimHarness;
  before(async () => {
    h = await startSuite();
  });
  after(async () => h.close());

  it('creates a customer from a curl-style POST with application/json and no schemas', async () => {
    const r = await h.req('POST', `${h.base}/Users`, JSON.stringify(signUp('jo@shop.test', 'Jo', 'Doe')), {
      'content-type': 'application/json',
      accept: '*/*',
      'user-agent': 'curl/8.5.0',
    });
    assertCreated(h, r, 'Users');
    assert.deepEqual(r.body.schemas, [URN.user], r.dump);
    assert.equal(r.body.active, true, 'a new user is active unless told otherwise');
  });

  it('creates a customer from a fetch-style POST with application/scim+json and a charset', async () => {
    const r = await h.req(
      'POST',
      '/Users',
      { schemas: [URN.user], ...signUp('max@shop.test', 'Max', 'Roe') },
      {
        'content-type': 'application/scim+json; charset=utf-8',
        accept: 'application/scim+json',
      },
    );
    assertCreated(h, r, 'Users');
  });

  it('refuses a JSON body sent as text/plain (a fetch that forgot the Content-Type header) with 415 naming the types to send', async () => {
    // text/plain is what a browser may send cross-origin without a preflight; JSON APIs take JSON media types only.
    const r = await h.req('POST', '/Users', JSON.stringify(signUp('plain@shop.test', 'Pl', 'Ain')), {
      'content-type': 'text/plain;charset=UTF-8',
    });
    assertError(r, 415);
    assert.match(r.body.detail, /application\/scim\+json/, r.dump);
    assertList(await h.req('GET', '/Users?filter=userName%20eq%20%22plain@shop.test%22'), 0);
  });

  it('accepts the token with a lower-case "bearer" scheme', async () => {
    const r = await h.reqAs(undefined, 'GET', '/Users?count=1', undefined, { authorization: `bearer ${h.token}` });
    assertList(r);
  });

  it('answers a second sign-up with the same email in another case with 409 uniqueness', async () => {
    assertError(await h.req('POST', '/Users', signUp('JO@Shop.Test', 'Jo', 'Again')), 409, 'uniqueness');
  });

  it('answers a form without userName with 400 and a detail naming it', async () => {
    const r = await h.req('POST', '/Users', { name: { givenName: 'No' }, emails: [{ value: 'no@shop.test' }] });
    assertError(r, 400, 'invalidValue');
    assert.match(r.body.detail, /userName/, r.dump);
  });

  it('ignores fields the form adds that SCIM does not define', async () => {
    const r = await h.req(
      'POST',
      '/Users',
      signUp('extra@shop.test', 'Ex', 'Tra', { newsletter: true, acceptsTerms: 'yes', utm_source: 'ad' }),
    );
    assertCreated(h, r, 'Users');
    assert.equal(r.body.newsletter, undefined, r.dump);
  });

  it('accepts a schemas list naming an unknown extension it sends no data for, and refuses one it does send data for', async () => {
    const quiet = await h.req('POST', '/Users', {
      schemas: [URN.user, 'urn:example:signup:1.0'],
      ...signUp('quiet@shop.test', 'Qu', 'Iet'),
    });
    assertCreated(h, quiet, 'Users');
    const loud = await h.req('POST', '/Users', {
      schemas: [URN.user, 'urn:example:signup:1.0'],
      ...signUp('loud@shop.test', 'Lo', 'Ud'),
      'urn:example:signup:1.0': { referrer: 'friend' },
    });
    assertError(loud, 400, 'invalidValue');
  });

  it('refuses a form-encoded body with 415 in the Error schema', async () => {
    const r = await h.req('POST', '/Users', 'userName=form%40shop.test', { 'content-type': 'application/x-www-form-urlencoded' });
    assertError(r, 415);
  });

  it('refuses malformed JSON with 400 invalidSyntax', async () => {
    assertError(
      await h.req('POST', '/Users', '{"userName": "half@shop.test"', { 'content-type': 'application/json' }),
      400,
      'invalidSyntax',
    );
  });

  it("answers a missing or wrong token with 401, and a valid token at another tenant's URL with 404, whether that tenant exists or not", async () => {
    assertError(await h.reqAs(undefined, 'POST', '/Users', signUp('anon@shop.test', 'An', 'On')), 401);
    assertError(await h.reqAs('scim_not-a-real-token', 'POST', '/Users', signUp('anon@shop.test', 'An', 'On')), 401);
    const unknown = await h.req('POST', '/scim/v2/someone-else/Users', signUp('cross@shop.test', 'Cr', 'Oss'));
    assertError(unknown, 404);
    const other = await startSuite();
    try {
      const existing = await h.req('POST', `/scim/v2/${other.tenantName}/Users`, signUp('cross@shop.test', 'Cr', 'Oss'));
      assertError(existing, 404);
      assert.equal(existing.body.detail, unknown.body.detail, 'nothing tells an existing tenant from an unknown one');
      assert.equal((await other.req('GET', '/Users')).body.totalResults, 0, 'nothing was written there');
    } finally {
      await other.close();
    }
  });

  it('lets the site check whether an email is taken before posting', async () => {
    assertList(await h.req('GET', `/Users${withFilter('emails.value eq "MAX@shop.test"')}`), 1);
    assertList(await h.req('GET', `/Users${withFilter('userName eq "free@shop.test"')}`), 0);
  });

  it('lets the site close an account with PATCH active false, answering 200 and the user', async () => {
    const c = await h.req('POST', '/Users', signUp('close@shop.test', 'Clo', 'Se'));
    const r = await h.req(
      'PATCH',
      `/Users/${c.body.id}`,
      { Operations: [{ op: 'replace', path: 'active', value: false }] },
      { 'content-type': 'application/json' },
    );
    assert.equal(r.status, 200, r.dump);
    assertScimJson(r);
    assert.equal(r.body.active, false, r.dump);
  });

  it('refuses a PATCH body that is a resource instead of a PatchOp with 400', async () => {
    const c = await h.req('POST', '/Users', signUp('wrongpatch@shop.test', 'Wr', 'Ong'));
    assertError(await h.req('PATCH', `/Users/${c.body.id}`, { schemas: [URN.user], displayName: 'Not a PatchOp' }), 400, 'invalidSyntax');
    const ok = await h.req('PATCH', `/Users/${c.body.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Right' }));
    assert.equal(ok.status, 200, ok.dump);
  });
});
