import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { AddressPolicy, AddressRefused, isPrivateAddress } from './ssrf.js';

test('private, loopback, link-local, unique-local, metadata and reserved addresses are private, in IPv4 and IPv6', () => {
  for (const ip of [
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd00:ec2::254',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '64:ff9b::a9fe:a9fe',
    'not-an-address',
  ])
    assert.equal(isPrivateAddress(ip), true, ip);
  for (const ip of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '93.184.215.14', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
    assert.equal(isPrivateAddress(ip), false, ip);
});

test('an allow-list lets named addresses and ranges through, and nothing else', () => {
  const p = new AddressPolicy(['10.1.0.0/16', '127.0.0.1', 'fd12::/16']);
  assert.equal(p.problem('10.1.2.3'), undefined);
  assert.equal(p.problem('127.0.0.1'), undefined);
  assert.equal(p.problem('::ffff:127.0.0.1'), undefined);
  assert.equal(p.problem('fd12::5'), undefined);
  assert.match(p.problem('10.2.0.1')!, /TARGETS_ALLOW_PRIVATE/);
  assert.match(p.problem('169.254.169.254')!, /private/);
  assert.equal(new AddressPolicy('all').problem('127.0.0.1'), undefined);
  assert.throws(() => new AddressPolicy(['nonsense']), /not an address/);
});

test('names are checked on every address they resolve to; an unresolvable name is left to the connect-time check', async () => {
  const lookup = async (h: string) => {
    if (h === 'rebind.example') return ['93.184.215.14', '127.0.0.1'];
    if (h === 'public.example') return ['93.184.215.14'];
    throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
  };
  const p = new AddressPolicy(undefined, { lookup });
  assert.match((await p.urlProblem('https://rebind.example/scim'))!, /rebind\.example resolves to 127\.0\.0\.1/);
  assert.equal(await p.urlProblem('https://public.example/x'), undefined);
  assert.equal(await p.urlProblem('https://nowhere.example/x'), undefined);
  assert.match((await p.urlProblem('http://[::1]:8080/'))!, /::1/);
  assert.match((await p.urlProblem('http://169.254.169.254/latest/meta-data'))!, /169\.254\.169\.254/);
});

test('the guarded fetch refuses at connect time, whatever the name resolved to when it was saved, and follows no redirect', async () => {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    if (req.url === '/redirect') return void res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, path: req.url }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    // a name that resolved to a public address at save time and to loopback now (DNS rebinding)
    let answer = '93.184.215.14';
    const strict = new AddressPolicy(undefined, { lookup: async () => [answer] });
    assert.equal(await strict.urlProblem(`http://target.example:${port}/`), undefined);
    answer = '127.0.0.1';
    await assert.rejects(
      strict.fetch()(`http://target.example:${port}/`),
      (e) => e instanceof AddressRefused && /127\.0\.0\.1/.test(e.message),
    );
    await assert.rejects(strict.fetch()(`http://127.0.0.1:${port}/`), AddressRefused);
    await assert.rejects(strict.fetch()(`http://[::ffff:127.0.0.1]:${port}/`), AddressRefused);
    assert.equal(hits, 0, 'no connection was made');

    const open = new AddressPolicy(['127.0.0.1'], { lookup: async () => ['127.0.0.1'] });
    const r = await open.fetch()(`http://target.example:${port}/x?y=1`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { method: 'POST', path: '/x?y=1' });
    const redirect = await open.fetch()(`http://127.0.0.1:${port}/redirect`);
    assert.equal(redirect.status, 302, 'a redirect comes back as it is, never followed');
    assert.equal(hits, 2);
  } finally {
    server.close();
  }
});
