// Port-forwarding as kubectl 1.30+ does it: SPDY/3.1 tunnelled through a WebSocket (subprotocol
// `SPDY/3.1+portforward.k8s.io`, raw SPDY bytes in binary messages). kubectl opens, per local
// connection, an "error" and a "data" stream (headers streamtype, port, requestid); we reply to
// both, connect the data stream to PodIO.portForward, and close both streams when either side ends.
// Like moby/spdystream (kubectl's SPDY implementation) there is no flow control.
import type { Duplex } from 'node:stream';
import zlib from 'node:zlib';
import type { WebSocket } from 'ws';
import type { PodIO } from '../kubelet/pod-io';
import { toStatusError } from './http';

/** The SPDY/3 header compression dictionary (SPDY draft 3, section 2.6.10.1), 1423 bytes. */
const SPDY3_DICTIONARY = Buffer.from(
  'AAAAB29wdGlvbnMAAAAEaGVhZAAAAARwb3N0AAAAA3B1dAAAAAZkZWxldGUAAAAFdHJhY2UAAAAGYWNjZXB0AAAADmFjY2VwdC1jaGFyc2V0AAAAD2FjY2Vw' +
  'dC1lbmNvZGluZwAAAA9hY2NlcHQtbGFuZ3VhZ2UAAAANYWNjZXB0LXJhbmdlcwAAAANhZ2UAAAAFYWxsb3cAAAANYXV0aG9yaXphdGlvbgAAAA1jYWNoZS1j' +
  'b250cm9sAAAACmNvbm5lY3Rpb24AAAAMY29udGVudC1iYXNlAAAAEGNvbnRlbnQtZW5jb2RpbmcAAAAQY29udGVudC1sYW5ndWFnZQAAAA5jb250ZW50LWxl' +
  'bmd0aAAAABBjb250ZW50LWxvY2F0aW9uAAAAC2NvbnRlbnQtbWQ1AAAADWNvbnRlbnQtcmFuZ2UAAAAMY29udGVudC10eXBlAAAABGRhdGUAAAAEZXRhZwAA' +
  'AAZleHBlY3QAAAAHZXhwaXJlcwAAAARmcm9tAAAABGhvc3QAAAAIaWYtbWF0Y2gAAAARaWYtbW9kaWZpZWQtc2luY2UAAAANaWYtbm9uZS1tYXRjaAAAAAhp' +
  'Zi1yYW5nZQAAABNpZi11bm1vZGlmaWVkLXNpbmNlAAAADWxhc3QtbW9kaWZpZWQAAAAIbG9jYXRpb24AAAAMbWF4LWZvcndhcmRzAAAABnByYWdtYQAAABJw' +
  'cm94eS1hdXRoZW50aWNhdGUAAAATcHJveHktYXV0aG9yaXphdGlvbgAAAAVyYW5nZQAAAAdyZWZlcmVyAAAAC3JldHJ5LWFmdGVyAAAABnNlcnZlcgAAAAJ0' +
  'ZQAAAAd0cmFpbGVyAAAAEXRyYW5zZmVyLWVuY29kaW5nAAAAB3VwZ3JhZGUAAAAKdXNlci1hZ2VudAAAAAR2YXJ5AAAAA3ZpYQAAAAd3YXJuaW5nAAAAEHd3' +
  'dy1hdXRoZW50aWNhdGUAAAAGbWV0aG9kAAAAA2dldAAAAAZzdGF0dXMAAAAGMjAwIE9LAAAAB3ZlcnNpb24AAAAISFRUUC8xLjEAAAADdXJsAAAABnB1Ymxp' +
  'YwAAAApzZXQtY29va2llAAAACmtlZXAtYWxpdmUAAAAGb3JpZ2luMTAwMTAxMjAxMjAyMjA1MjA2MzAwMzAyMzAzMzA0MzA1MzA2MzA3NDAyNDA1NDA2NDA3' +
  'NDA4NDA5NDEwNDExNDEyNDEzNDE0NDE1NDE2NDE3NTAyNTA0NTA1MjAzIE5vbi1BdXRob3JpdGF0aXZlIEluZm9ybWF0aW9uMjA0IE5vIENvbnRlbnQzMDEg' +
  'TW92ZWQgUGVybWFuZW50bHk0MDAgQmFkIFJlcXVlc3Q0MDEgVW5hdXRob3JpemVkNDAzIEZvcmJpZGRlbjQwNCBOb3QgRm91bmQ1MDAgSW50ZXJuYWwgU2Vy' +
  'dmVyIEVycm9yNTAxIE5vdCBJbXBsZW1lbnRlZDUwMyBTZXJ2aWNlIFVuYXZhaWxhYmxlSmFuIEZlYiBNYXIgQXByIE1heSBKdW4gSnVsIEF1ZyBTZXB0IE9j' +
  'dCBOb3YgRGVjIDAwOjAwOjAwIE1vbiwgVHVlLCBXZWQsIFRodSwgRnJpLCBTYXQsIFN1biwgR01UY2h1bmtlZCx0ZXh0L2h0bWwsaW1hZ2UvcG5nLGltYWdl' +
  'L2pwZyxpbWFnZS9naWYsYXBwbGljYXRpb24veG1sLGFwcGxpY2F0aW9uL3hodG1sK3htbCx0ZXh0L3BsYWluLHRleHQvamF2YXNjcmlwdCxwdWJsaWNwcml2' +
  'YXRlbWF4LWFnZT1nemlwLGRlZmxhdGUsc2RjaGNoYXJzZXQ9dXRmLThjaGFyc2V0PWlzby04ODU5LTEsdXRmLSwqLGVucT0wLg==',  'base64',
);

const TYPE = { SYN_STREAM: 1, SYN_REPLY: 2, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, HEADERS: 8, WINDOW_UPDATE: 9 } as const;
const FLAG_FIN = 0x01;
const RST_PROTOCOL_ERROR = 1;
const RST_REFUSED_STREAM = 3;

/** A zlib stream that keeps its state across header blocks, flushed after each block. */
class HeaderCodec {
  private readonly stream: zlib.Deflate | zlib.Inflate;
  private chunks: Buffer[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(kind: 'deflate' | 'inflate') {
    this.stream = kind === 'deflate' ? zlib.createDeflate({ dictionary: SPDY3_DICTIONARY }) : zlib.createInflate({ dictionary: SPDY3_DICTIONARY });
    this.stream.on('data', (c: Buffer) => this.chunks.push(c));
    this.stream.on('error', () => undefined);
  }

  /** Runs blocks strictly in order: the zlib state is shared between them. */
  process(block: Buffer): Promise<Buffer> {
    const run = this.queue.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          this.chunks = [];
          const onError = (err: Error) => reject(err);
          this.stream.once('error', onError);
          this.stream.write(block);
          this.stream.flush(zlib.constants.Z_SYNC_FLUSH, () => {
            this.stream.off('error', onError);
            resolve(Buffer.concat(this.chunks));
          });
        }),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.stream.destroy();
  }
}

function encodeHeaderBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const count = Buffer.alloc(4);
  count.writeUInt32BE(Object.keys(headers).length);
  parts.push(count);
  for (const [k, v] of Object.entries(headers)) {
    for (const s of [k.toLowerCase(), v]) {
      const b = Buffer.from(s);
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      parts.push(len, b);
    }
  }
  return Buffer.concat(parts);
}

function decodeHeaderBlock(block: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let off = 0;
  const u32 = () => {
    if (off + 4 > block.length) throw new Error('truncated SPDY header block');
    const v = block.readUInt32BE(off);
    off += 4;
    return v;
  };
  const str = () => {
    const len = u32();
    if (off + len > block.length) throw new Error('truncated SPDY header block');
    const s = block.subarray(off, off + len).toString('utf8');
    off += len;
    return s;
  };
  const n = u32();
  for (let i = 0; i < n; i++) {
    const k = str();
    out[k.toLowerCase()] = str().split('\0')[0];
  }
  return out;
}

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | 3, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(((flags & 0xff) << 24) | payload.length, 4);
  return Buffer.concat([head, payload]);
}

function dataFrame(streamId: number, flags: number, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head.writeUInt32BE(((flags & 0xff) << 24) | data.length, 4);
  return Buffer.concat([head, data]);
}

interface StreamPair {
  error?: number;
  data?: number;
  port: number;
  target?: Duplex;
  closed: boolean;
}

export function runSpdyPortForward(ws: WebSocket, podIO: PodIO, namespace: string, pod: string): void {
  const inflate = new HeaderCodec('inflate');
  const deflate = new HeaderCodec('deflate');
  let buffer = Buffer.alloc(0);
  let writeChain: Promise<unknown> = Promise.resolve();
  let frameChain: Promise<unknown> = Promise.resolve();
  const pairs = new Map<string, StreamPair>();
  const streamToPair = new Map<number, StreamPair>();
  let closed = false;

  /** Frames go out in the order they are queued (SYN_REPLY must precede the stream's data). */
  const send = (make: () => Buffer | Promise<Buffer>) => {
    writeChain = writeChain.then(async () => {
      const frame = await make();
      if (ws.readyState === ws.OPEN) ws.send(frame);
    }).catch(() => undefined);
  };
  const sendData = (streamId: number, data: Buffer, fin = false) => {
    // 16 MiB is SPDY's frame limit; stay far below it.
    for (let off = 0; off < data.length || (fin && off === 0); off += 65536) {
      const chunk = data.subarray(off, off + 65536);
      const last = off + 65536 >= data.length;
      send(() => dataFrame(streamId, fin && last ? FLAG_FIN : 0, chunk));
      if (data.length === 0) break;
    }
  };
  const reply = (streamId: number) => send(async () => {
    const id = Buffer.alloc(4);
    id.writeUInt32BE(streamId & 0x7fffffff);
    return controlFrame(TYPE.SYN_REPLY, 0, Buffer.concat([id, await deflate.process(encodeHeaderBlock({}))]));
  });
  const reset = (streamId: number, status: number) => {
    const p = Buffer.alloc(8);
    p.writeUInt32BE(streamId & 0x7fffffff, 0);
    p.writeUInt32BE(status, 4);
    send(() => controlFrame(TYPE.RST_STREAM, 0, p));
  };

  const finishPair = (pair: StreamPair, error?: string) => {
    if (pair.closed) return;
    pair.closed = true;
    if (error && pair.error !== undefined) sendData(pair.error, Buffer.from(error));
    if (pair.data !== undefined) sendData(pair.data, Buffer.alloc(0), true);
    if (pair.error !== undefined) sendData(pair.error, Buffer.alloc(0), true);
    pair.target?.destroy();
  };

  const startForwarding = (pair: StreamPair) => {
    podIO.portForward(namespace, pod, pair.port).then(
      (target) => {
        if (pair.closed || closed) {
          target.destroy();
          return;
        }
        pair.target = target;
        target.on('data', (chunk: Buffer) => sendData(pair.data!, Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
        target.on('end', () => finishPair(pair));
        target.on('close', () => finishPair(pair));
        target.on('error', (err: Error) => finishPair(pair, `error forwarding port ${pair.port} to pod ${pod}: ${err.message}`));
      },
      (err: unknown) => finishPair(pair, `error forwarding port ${pair.port} to pod ${pod}: ${toStatusError(err).message}`),
    );
  };

  const onSynStream = async (payload: Buffer, flags: number) => {
    const streamId = payload.readUInt32BE(0) & 0x7fffffff;
    const headers = decodeHeaderBlock(await inflate.process(payload.subarray(10)));
    const type = headers.streamtype;
    const port = Number(headers.port);
    const requestId = headers.requestid ?? String(streamId);
    if ((type !== 'error' && type !== 'data') || !Number.isInteger(port) || port < 1 || port > 65535) {
      reset(streamId, RST_PROTOCOL_ERROR);
      return;
    }
    reply(streamId);
    const pair = pairs.get(requestId) ?? { port, closed: false };
    pairs.set(requestId, pair);
    streamToPair.set(streamId, pair);
    if (type === 'error') pair.error = streamId;
    else pair.data = streamId;
    if (flags & FLAG_FIN && type === 'data') finishPair(pair);
    if (pair.error !== undefined && pair.data !== undefined && !pair.target) startForwarding(pair);
  };

  const onFrame = async (frame: Buffer) => {
    const control = (frame[0] & 0x80) !== 0;
    const flags = frame[4];
    const payload = frame.subarray(8);
    if (!control) {
      const streamId = frame.readUInt32BE(0) & 0x7fffffff;
      const pair = streamToPair.get(streamId);
      if (!pair) return;
      if (streamId === pair.data) {
        if (payload.length) pair.target?.write(payload);
        if (flags & FLAG_FIN) pair.target?.end();
      }
      return;
    }
    const type = frame.readUInt16BE(2);
    switch (type) {
      case TYPE.SYN_STREAM:
        return onSynStream(payload, flags);
      case TYPE.PING:
        send(() => controlFrame(TYPE.PING, 0, payload.subarray(0, 4)));
        return;
      case TYPE.RST_STREAM: {
        const pair = streamToPair.get(payload.readUInt32BE(0) & 0x7fffffff);
        if (pair) {
          pair.closed = true;
          pair.target?.destroy();
        }
        return;
      }
      case TYPE.GOAWAY:
        shutdown();
        return;
      case TYPE.HEADERS:
        // Keep the shared decompression state in step even though the headers are unused.
        await inflate.process(payload.subarray(4));
        return;
      default:
        return; // SETTINGS, WINDOW_UPDATE: nothing to do without flow control.
    }
  };

  const shutdown = () => {
    if (closed) return;
    closed = true;
    for (const pair of pairs.values()) pair.target?.destroy();
    inflate.close();
    deflate.close();
    if (ws.readyState === ws.OPEN) ws.close(1000);
  };

  ws.on('message', (raw: Buffer) => {
    buffer = Buffer.concat([buffer, Buffer.isBuffer(raw) ? raw : Buffer.from(raw as ArrayBuffer)]);
    while (buffer.length >= 8) {
      const length = buffer.readUInt32BE(4) & 0xffffff;
      if (buffer.length < 8 + length) break;
      const frame = buffer.subarray(0, 8 + length);
      buffer = buffer.subarray(8 + length);
      frameChain = frameChain.then(() => onFrame(frame)).catch(() => {
        // A frame we cannot parse (e.g. corrupt headers) ends the session, as a SPDY peer would.
        reset(0, RST_REFUSED_STREAM);
        shutdown();
      });
    }
  });
  ws.on('close', shutdown);
  ws.on('error', shutdown);
}

export const SPDY_PORTFORWARD_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';
