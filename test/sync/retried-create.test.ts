// A customerCreate whose answer is lost lands all the same: its retry meets "already taken" for the customer it
// made. The engine must link that customer (found by the custom id the create carried), never duplicate or refuse.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, oktaUser, SHOPIFY_EXT, type Stack } from './harness.js';

let s: Stack;
before(async () => {
  s = await startStack();
});
after(async () => {
  await s?.close();
});

const withEmail = (email: string) => s.emu.control.customers().filter((c) => c.email === email);

/** POSTs a user while the next customerCreate answers are lost after the write, and checks the one customer made. */
async function createWithLostAnswers(userName: string, lost: number, extra: Record<string, unknown> = {}) {
  const timeoutsBefore = s.emu.control.counters().faultTimeouts;
  s.emu.control.setFaults({ lostResponses: lost, lostResponseOf: 'customerCreate' });
  try {
    const r = await s.req('POST', '/Users', oktaUser(userName, extra));
    assert.equal(r.status, 201, r.dump);
    assert.equal(s.emu.control.counters().faultTimeouts - timeoutsBefore, lost, 'the create answers really were lost');
    return r;
  } finally {
    s.emu.control.clearFaults();
  }
}

test('a create whose answer was lost is linked to the customer it made when the retry meets EMAIL_TAKEN', async () => {
  const r = await createWithLostAnswers('lost.answer@example.com', 1);
  const made = withEmail('lost.answer@example.com');
  assert.equal(made.length, 1, `one customer, not two: ${JSON.stringify(made)}`);
  assert.equal(r.body[SHOPIFY_EXT].customerId, made[0].id, r.dump);
  assert.equal(r.body[SHOPIFY_EXT].syncState, 'synced', r.dump);
  // The only write that landed was the lost create: the link could only be found because it carried the custom id.
  assert.equal(made[0].metafields.find((m) => m.key === 'scim_id')?.value, r.body.id, JSON.stringify(made[0].metafields));
  const audit = await s.store.db.selectFrom('audit_log').select('action').where('resource_id', '=', r.body.id).execute();
  assert.ok(
    audit.some((a) => a.action === 'shopify.customer.created'),
    JSON.stringify(audit),
  );
  assert.ok(!audit.some((a) => a.action === 'user.create.undone'), JSON.stringify(audit));
});

test('with adoption off the customer our own lost create made is still linked, not reported as a conflict', async () => {
  await s.setSettings({ policies: { adoption: 'off' } });
  try {
    const r = await createWithLostAnswers('lost.noadopt@example.com', 1, {
      phoneNumbers: [{ value: '+14155550123', type: 'mobile', primary: true }],
    });
    const made = withEmail('lost.noadopt@example.com');
    assert.equal(made.length, 1, JSON.stringify(made));
    assert.equal(r.body[SHOPIFY_EXT].customerId, made[0].id, r.dump);
    assert.equal(made[0].phone, '+14155550123');
  } finally {
    await s.setSettings({ policies: {} });
  }
});

test('a customer holding the email but not our custom id is still a conflict', async () => {
  await s.setSettings({ policies: { adoption: 'off' } });
  try {
    s.emu.control.createCustomer({ email: 'someone.else@example.com', firstName: 'Someone' });
    const r = await s.req('POST', '/Users', oktaUser('someone.else@example.com'));
    assert.equal(r.status, 201, r.dump);
    assert.equal(r.body[SHOPIFY_EXT].syncState, 'failed', r.dump);
    assert.equal(r.body[SHOPIFY_EXT].syncErrorCode, 'EMAIL_TAKEN', r.dump);
    assert.equal(r.body[SHOPIFY_EXT].customerId, undefined, 'not linked to the other customer');
    assert.equal(withEmail('someone.else@example.com').length, 1);
  } finally {
    await s.setSettings({ policies: {} });
  }
});

test('when every attempt of the run loses its answer the next run links the customer, and none is duplicated', async () => {
  // The client tries twice per run (see the harness): both creates land unanswered, the run is retried later.
  const r = await createWithLostAnswers('lost.twice@example.com', 2);
  assert.equal(r.body[SHOPIFY_EXT].syncState, 'pending', r.dump);
  const synced = await s.until('the user to be synced', async () => {
    const g = await s.req('GET', `/Users/${r.body.id}`);
    return g.body[SHOPIFY_EXT]?.syncState === 'synced' ? g : undefined;
  });
  const made = withEmail('lost.twice@example.com');
  assert.equal(made.length, 1, JSON.stringify(made));
  assert.equal(synced.body[SHOPIFY_EXT].customerId, made[0].id, synced.dump);
});
