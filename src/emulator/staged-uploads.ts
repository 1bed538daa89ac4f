// Staged uploads as Shopify hands them out for bulk mutation variables: stagedUploadsCreate issues a signed target
// (a URL plus form fields), the emulator accepts the file there the way Google Cloud Storage does, and keeps it by key.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { UserErrorOut } from './validation.js';

/** Largest staged file Shopify accepts from API 2026-01 (20 MB before). */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

/** Where the emulator receives staged files (the stand-in for shopify-staged-uploads.storage.googleapis.com). */
export const UPLOAD_PATH = '/_emulator/uploads';

export interface StagedUploadInput {
  resource: string;
  filename: string;
  mimeType: string;
  httpMethod?: 'POST' | 'PUT' | null;
  fileSize?: string | null;
}

export interface StagedTarget {
  url: string;
  resourceUrl: string | null;
  parameters: Array<{ name: string; value: string }>;
}

interface StagedFile {
  key: string;
  method: 'POST' | 'PUT';
  mimeType: string;
  /** the form fields a POST must carry unchanged (the signed policy) */
  fields: Record<string, string>;
  signature: string;
  content: string | null;
}

/** The XML error body Cloud Storage answers a refused upload with. */
const xmlError = (code: string, message: string) =>
  `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

export class StagedUploads {
  private readonly files = new Map<string, StagedFile>();
  private readonly secret = randomBytes(32);

  /** stagedUploadsCreate: one signed target per input; only bulk mutation variables are emulated. */
  create(inputs: StagedUploadInput[], baseUrl: string): { stagedTargets: StagedTarget[] | null; userErrors: UserErrorOut[] } {
    const userErrors: UserErrorOut[] = [];
    inputs.forEach((input, i) => {
      if (input.resource !== 'BULK_MUTATION_VARIABLES')
        userErrors.push({
          field: ['input', String(i), 'resource'],
          message: `Staged uploads for ${input.resource} are not supported by the shopify-scim emulator`,
        });
      if (!input.filename.trim()) userErrors.push({ field: ['input', String(i), 'filename'], message: "Filename can't be blank" });
    });
    if (userErrors.length) return { stagedTargets: null, userErrors };
    return { stagedTargets: inputs.map((input) => this.target(input, baseUrl)), userErrors: [] };
  }

  private target(input: StagedUploadInput, baseUrl: string): StagedTarget {
    // the shop's numeric id, as in Shopify's keys (the emulated shop is gid://shopify/Shop/1)
    const key = `tmp/1/bulk/${randomUUID()}/${input.filename.trim()}`;
    const method = input.httpMethod === 'POST' ? 'POST' : 'PUT'; // Shopify's default is PUT
    const date = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const credential = `shopify-scim-emulator/${date.slice(0, 8)}/auto/storage/goog4_request`;
    const policy = Buffer.from(
      JSON.stringify({ conditions: [{ key }, { 'Content-Type': input.mimeType }, { acl: 'private' }], expiration: date }),
    ).toString('base64');
    const signature = createHmac('sha256', this.secret).update(`${method}\n${key}\n${policy}`).digest('hex');
    if (method === 'PUT') {
      this.files.set(key, { key, method, mimeType: input.mimeType, fields: {}, signature, content: null });
      const url = `${baseUrl}${UPLOAD_PATH}/${encodeURIComponent(key)}?X-Goog-Algorithm=GOOG4-HMAC-SHA256&X-Goog-Credential=${encodeURIComponent(credential)}&X-Goog-Date=${date}&X-Goog-Signature=${signature}`;
      return {
        url,
        resourceUrl: null,
        parameters: [
          { name: 'content_type', value: input.mimeType },
          { name: 'acl', value: 'private' },
        ],
      };
    }
    const fields: Record<string, string> = {
      'Content-Type': input.mimeType,
      success_action_status: '201',
      acl: 'private',
      key,
      'x-goog-date': date,
      'x-goog-credential': credential,
      'x-goog-algorithm': 'GOOG4-HMAC-SHA256',
      'x-goog-signature': signature,
      policy,
    };
    this.files.set(key, { key, method, mimeType: input.mimeType, fields, signature, content: null });
    return {
      url: `${baseUrl}${UPLOAD_PATH}`,
      resourceUrl: null,
      parameters: Object.entries(fields).map(([name, value]) => ({ name, value })),
    };
  }

  /** A multipart POST as Cloud Storage takes it: every signed field unchanged, then `file` last. */
  async acceptPost(contentType: string, body: Buffer): Promise<{ status: number; body: string }> {
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
    } catch {
      return { status: 400, body: xmlError('InvalidArgument', 'The request body is not multipart/form-data.') };
    }
    const entries = [...form.entries()];
    const fileAt = entries.findIndex(([name]) => name === 'file');
    if (fileAt < 0) return { status: 400, body: xmlError('InvalidArgument', 'Missing file field.') };
    if (fileAt !== entries.length - 1)
      return { status: 400, body: xmlError('InvalidArgument', 'The file field must be the last field of the form.') };
    const fields = Object.fromEntries(entries.slice(0, fileAt).map(([k, v]) => [k, typeof v === 'string' ? v : '']));
    const staged = this.files.get(fields.key ?? '');
    if (!staged || staged.method !== 'POST' || Object.entries(staged.fields).some(([k, v]) => !same(fields[k], v)))
      return { status: 403, body: xmlError('AccessDenied', 'Invalid argument: the policy signature does not match the form fields.') };
    const file = entries[fileAt][1];
    const text = typeof file === 'string' ? file : await file.text();
    if (Buffer.byteLength(text) > MAX_UPLOAD_BYTES)
      return { status: 400, body: xmlError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.') };
    staged.content = text;
    return {
      status: 201,
      body: `<?xml version='1.0' encoding='UTF-8'?><PostResponse><Location>${UPLOAD_PATH}/${encodeURIComponent(staged.key)}</Location><Key>${staged.key}</Key></PostResponse>`,
    };
  }

  /** A PUT to the signed URL of a PUT target, with the Content-Type it was issued for. */
  acceptPut(key: string, signature: string | undefined, contentType: string | undefined, body: Buffer): { status: number; body: string } {
    const staged = this.files.get(key);
    if (
      !staged ||
      staged.method !== 'PUT' ||
      !same(signature, staged.signature) ||
      (contentType ?? '').split(';')[0].trim() !== staged.mimeType
    )
      return {
        status: 403,
        body: xmlError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'),
      };
    if (body.length > MAX_UPLOAD_BYTES)
      return { status: 400, body: xmlError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.') };
    staged.content = body.toString('utf8');
    return { status: 200, body: '' };
  }

  /** The uploaded content at `key` (a stagedUploadPath), or undefined when nothing was uploaded there. */
  read(key: string): string | undefined {
    return this.files.get(key)?.content ?? undefined;
  }

  /** Forgets every target and file (reset). */
  clear(): void {
    this.files.clear();
  }
}

function same(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Serves the upload targets: multipart POST to UPLOAD_PATH, PUT to UPLOAD_PATH/<key>; no access token, as on Shopify. */
export function registerUploadRoutes(app: FastifyInstance, uploads: StagedUploads): void {
  void app.register(async (scope) => {
    // Only this scope reads raw bodies: the staged file is kept byte for byte.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES + 64 * 1024 }, (_req, body, done) => done(null, body));
    const xml = (reply: FastifyReply, r: { status: number; body: string }) =>
      reply.code(r.status).type('application/xml; charset=UTF-8').send(r.body);
    scope.post(UPLOAD_PATH, async (req, reply) =>
      xml(reply, await uploads.acceptPost(String(req.headers['content-type'] ?? ''), (req.body as Buffer | undefined) ?? Buffer.alloc(0))),
    );
    scope.put<{ Params: { key: string }; Querystring: Record<string, string> }>(`${UPLOAD_PATH}/:key`, async (req, reply) =>
      xml(
        reply,
        uploads.acceptPut(
          req.params.key,
          req.query['X-Goog-Signature'],
          req.headers['content-type'],
          (req.body as Buffer | undefined) ?? Buffer.alloc(0),
        ),
      ),
    );
  });
}
