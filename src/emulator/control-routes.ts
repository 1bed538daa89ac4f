// The control API over HTTP (/_emulator/*, JSON): the same operations as `emulator.control`, plus the bulk
// operation result files. Open on a loopback address; elsewhere it asks for the app's static access token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ControlError, type EmulatorControl } from './control.js';
import type { AddressInput } from './addresses.js';
import type { CustomerFields } from './customers.js';
import type { Shop } from './shop.js';

export interface ControlRouteDeps {
  control: EmulatorControl;
  shop: Shop;
  /** true when the server listens on a loopback address only */
  loopback: boolean;
  accessToken: string;
  info: () => Record<string, unknown>;
}

type IdParams = { Params: { id: string } };

/** Runs a control operation: user errors answer 422 with the result, ControlErrors their own status. */
function send(reply: FastifyReply, fn: () => unknown, okStatus = 200) {
  try {
    const out = fn() as { userErrors?: unknown[] };
    return reply.code(out?.userErrors?.length ? 422 : okStatus).send(out);
  } catch (e) {
    if (e instanceof ControlError) return reply.code(e.status).send({ error: e.message });
    throw e;
  }
}

/** Registers /_emulator/* on the app. */
export function registerControlRoutes(app: FastifyInstance, d: ControlRouteDeps): void {
  const { control } = d;

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    // Bulk result files and staged-upload targets are signed URLs on Shopify: no access token there either.
    if (
      !req.url.startsWith('/_emulator/') ||
      req.url.startsWith('/_emulator/bulk/') ||
      req.url.startsWith('/_emulator/uploads') ||
      d.loopback
    )
      return;
    if (req.headers['x-shopify-access-token'] !== d.accessToken)
      return reply
        .code(401)
        .send({ error: 'The control API needs the X-Shopify-Access-Token header when the emulator listens beyond loopback' });
  });

  app.get('/_emulator/info', async (_req, reply) => reply.send(d.info()));

  app.get('/_emulator/customers', async (_req, reply) => reply.send({ customers: control.customers() }));
  app.get<IdParams>('/_emulator/customers/:id', async (req, reply) => {
    const c = control.customer(req.params.id);
    return c ? reply.send({ customer: c }) : reply.code(404).send({ error: `Customer ${req.params.id} does not exist` });
  });
  app.post<{ Body: CustomerFields }>('/_emulator/customers', async (req, reply) =>
    send(reply, () => control.createCustomer(req.body ?? {}), 201),
  );
  app.patch<IdParams & { Body: CustomerFields }>('/_emulator/customers/:id', async (req, reply) =>
    send(reply, () => control.updateCustomer(req.params.id, req.body ?? {})),
  );
  app.delete<IdParams>('/_emulator/customers/:id', async (req, reply) => send(reply, () => control.deleteCustomer(req.params.id)));
  app.post<IdParams & { Body: { add?: string[]; remove?: string[] } }>('/_emulator/customers/:id/tags', async (req, reply) =>
    send(reply, () => {
      const body = req.body ?? {};
      const added = control.addTags(req.params.id, body.add ?? []);
      return added.userErrors.length ? added : control.removeTags(req.params.id, body.remove ?? []);
    }),
  );
  app.post<IdParams & { Body: { remove?: string | number } }>('/_emulator/customers/:id/merge', async (req, reply) =>
    send(reply, () => {
      if (req.body?.remove === undefined) throw new ControlError(400, 'name the customer to merge into this one: {"remove": <id>}');
      return control.mergeCustomers(req.params.id, req.body.remove);
    }),
  );
  app.post<IdParams & { Body: { address?: AddressInput; setAsDefault?: boolean } }>(
    '/_emulator/customers/:id/addresses',
    async (req, reply) =>
      send(reply, () => control.addAddress(req.params.id, req.body?.address ?? {}, { setAsDefault: req.body?.setAsDefault === true }), 201),
  );
  app.post<IdParams & { Body: { totalPrice?: string } }>('/_emulator/customers/:id/orders', async (req, reply) =>
    send(reply, () => control.placeOrder(req.params.id, req.body ?? {}), 201),
  );
  app.post<IdParams>('/_emulator/customers/:id/sign-in', async (req, reply) => send(reply, () => control.signIn(req.params.id)));
  app.post<IdParams>('/_emulator/customers/:id/disable', async (req, reply) => send(reply, () => control.disableAccount(req.params.id)));

  app.get<{ Querystring: { topic?: string; status?: 'pending' | 'delivered' | 'failed' | 'dropped' } }>(
    '/_emulator/webhooks/deliveries',
    async (req, reply) => reply.send({ deliveries: control.deliveries({ topic: req.query.topic, status: req.query.status }) }),
  );
  app.post('/_emulator/webhooks/idle', async (_req, reply) => {
    await control.webhooksIdle();
    return reply.send({ pending: 0 });
  });

  app.get('/_emulator/counters', async (_req, reply) =>
    reply.send({ counters: control.counters(), throttleStatus: control.throttleStatus() }),
  );

  app.get('/_emulator/faults', async (_req, reply) => reply.send({ faults: control.faults() }));
  const setFaults = async (req: FastifyRequest, reply: FastifyReply) =>
    send(reply, () => ({ faults: control.setFaults((req.body ?? {}) as Record<string, never>) }));
  app.put('/_emulator/faults', setFaults);
  app.patch('/_emulator/faults', setFaults);
  app.delete('/_emulator/faults', async (_req, reply) => reply.send({ faults: control.clearFaults() }));

  app.post('/_emulator/tokens/expire', async (_req, reply) => {
    control.expireTokens();
    return reply.send({ expired: true });
  });
  app.post('/_emulator/reset', async (_req, reply) => {
    control.reset();
    return reply.send({ reset: true });
  });

  app.get<{ Params: { file: string } }>('/_emulator/bulk/:file', async (req, reply) => {
    const m = /^(\d+)\.jsonl$/.exec(req.params.file);
    const op = m ? d.shop.data.bulkOperations.find((b) => b.id === Number(m[1])) : undefined;
    if (!op || op.status !== 'COMPLETED' || op.result === null) return reply.code(404).send({ error: 'No such bulk operation result' });
    return reply.type('application/jsonl').send(op.result);
  });
}
