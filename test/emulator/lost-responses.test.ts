// The lost-response fault: a mutation is applied and its answer never sent, as when a connection drops on the way
// back, so a client times out not knowing its write landed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emulator } from './helpers.js';

const CREATE = 'mutation($input: CustomerInput!) { customerCreate(input: $input) { customer { id } userErrors { field message } } }';

async function post(t: Awaited<ReturnType<typeof emulator>>, query: string, variables: Record<string, unknown>, timeoutMs = 300) {
  return fetch(t.em.graphqlUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': t.em.accessToken },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

test('a lost answer leaves the client timing out while the customer it created exists', async () => {
  const t = await emulator();
  try {
    t.em.control.setFaults({ lostResponses: 1, lostResponseOf: 'customerCreate' });
    // Queries and other mutations are answered as usual while the fault waits for a customerCreate.
    assert.equal((await t.gql('{ shop { name } }')).status, 200);
    await assert.rejects(post(t, CREATE, { input: { email: 'lost@example.com' } }), (e: Error) => e.name === 'TimeoutError');
    assert.deepEqual(
      t.em.control.customers().map((c) => c.email),
      ['lost@example.com'],
      'the write landed',
    );
    assert.equal(t.em.control.faults().lostResponses, 0, 'one answer lost, as asked');
    assert.equal(t.em.control.counters().faultTimeouts, 1);
    const retry = await t.gql(CREATE, { input: { email: 'lost@example.com' } });
    assert.deepEqual(
      retry.body.data?.customerCreate.userErrors,
      [{ field: ['email'], message: 'Email has already been taken' }],
      JSON.stringify(retry.body),
    );
  } finally {
    await t.em.close();
  }
});

test('the lost-response fault is refused with a sentence when its values are wrong', async () => {
  const t = await emulator();
  try {
    assert.throws(() => t.em.control.setFaults({ lostResponses: 1.5 }), /lostResponses must be a whole number/);
    assert.throws(() => t.em.control.setFaults({ lostResponseOf: 'customer create' }), /lostResponseOf must be a mutation field name/);
  } finally {
    await t.em.close();
  }
});
