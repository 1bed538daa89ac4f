// One HTTP/1.1 request written byte for byte on a fresh socket and its answer read until the server closes: what
// fetch would normalise or refuse to send (bad percent-encoding, duplicate lengths, bare bytes) reaches the bridge as is.
import net from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** the whole answer as it arrived (latin1), to count status lines */
  raw: string;
  body: any;
  /** for assertion messages */
  dump: string;
}

function dechunk(buf: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(buf.subarray(at, eol).toString('latin1'), 16);
    if (!size) break;
    out.push(buf.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** Sends `head` (request line and headers, without the blank line) and `body`; `Connection: close` is added. */
export function rawRequest(port: number, head: string, body: Buffer | string = '', label = head.split('\r\n')[0]!): Promise<RawAnswer> {
  const payload = Buffer.concat([
    Buffer.from(`${head}\r\nConnection: close\r\n\r\n`, 'latin1'),
    Buffer.isBuffer(body) ? body : Buffer.from(body),
  ]);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.write(payload));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      // the server may close while the rest of a refused body is still being written: the answer already arrived
      if (e.code !== 'EPIPE' && e.code !== 'ECONNRESET') reject(e);
    });
    socket.setTimeout(15000, () => socket.destroy(new Error(`no answer to ${label}`)));
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const sep = all.indexOf('\r\n\r\n');
      if (sep < 0) return reject(new Error(`no HTTP answer to ${label}: ${JSON.stringify(all.toString('latin1').slice(0, 200))}`));
      const lines = all.subarray(0, sep).toString('latin1').split('\r\n');
      const status = Number(lines[0]!.split(' ')[1]);
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      let raw: Buffer = all.subarray(sep + 4);
      if (/chunked/i.test(headers['transfer-encoding'] ?? '')) raw = dechunk(raw);
      const text = raw.toString('utf8');
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      resolve({
        status,
        headers,
        text,
        raw: all.toString('latin1'),
        body: parsed,
        dump: `${label.slice(0, 200)} -> ${status} ${text.slice(0, 600)}`,
      });
    });
  });
}
