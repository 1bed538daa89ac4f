import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTargets, wantsEvent, type WebhookTarget } from './settings.js';
import { targetAccepts } from './fanout.js';

const scim = { id: 'crm', kind: 'scim', baseUrl: 'https://crm.example.com/scim/v2', token: 'v1:a:b:c', clientId: 'client-crm' };
const hook = {
  id: 'events',
  kind: 'webhook',
  url: 'https://hooks.example.com/in',
  secret: 'whsec_abc',
  events: ['user.deactivated', 'user.created'],
};

test('targets are read with their defaults, and a broken entry is reported without hiding the others', () => {
  const { targets, problems } = readTargets({ targets: [scim, { id: 'bad id!', kind: 'webhook', url: 'ftp://x' }, hook, { ...hook }] });
  assert.deepEqual(
    targets.map((t) => [t.id, t.kind, t.enabled]),
    [
      ['crm', 'scim', true],
      ['events', 'webhook', true],
    ],
  );
  assert.equal(targets[0]!.kind === 'scim' && targets[0]!.onDelete, 'delete');
  assert.equal(problems.length, 2, problems.join('\n'));
  assert.match(problems[0]!, /target 2: .*id/);
  assert.match(problems[1]!, /used twice/);
});

test('settings without targets, or with targets that are not a list, give no targets', () => {
  assert.deepEqual(readTargets({}), { targets: [], problems: [] });
  assert.equal(readTargets({ targets: { id: 'x' } }).problems.length, 1);
});

test('a webhook target hears exactly the event types it subscribed to, with * and prefix patterns', () => {
  const t = readTargets({ targets: [hook] }).targets[0] as WebhookTarget;
  assert.equal(wantsEvent(t, 'user.created'), true);
  assert.equal(wantsEvent(t, 'user.updated'), false);
  assert.equal(wantsEvent({ ...t, events: ['user.*'] }, 'user.updated'), true);
  assert.equal(wantsEvent({ ...t, events: ['*'] }, 'user.deleted'), true);
});

test('a change is never offered back to the client it came from, nor to a disabled target', () => {
  const [crm] = readTargets({ targets: [scim] }).targets;
  assert.equal(targetAccepts(crm!, 'client-crm', 'user.updated'), false);
  assert.equal(targetAccepts(crm!, 'client-okta', 'user.updated'), true);
  assert.equal(targetAccepts(crm!, null, 'user.updated'), true);
  assert.equal(targetAccepts({ ...crm!, enabled: false }, null, 'user.updated'), false);
});
