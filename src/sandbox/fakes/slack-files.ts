import type { IncomingMessage, ServerResponse } from 'node:http';

type Json = Record<string, unknown>;

/** A file shared through the files upload v2 flow (getUploadURLExternal, POST bytes, completeUploadExternal). */
export interface UploadedFile {
  id: string;
  filename: string;
  title?: string;
  altText?: string;
  bytes: Buffer;
  channel: string;
  thread_ts?: string;
}

/** Slack's files upload v2, emulated: two Web API methods and the upload URL they hand out. */
export interface FileUploads {
  files: UploadedFile[];
  methods: Record<string, (args: Json) => Json & { ok: boolean }>;
  /** Answers a POST to an upload URL; false when `path` is not one. */
  handle(path: string, req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<boolean>;
}

/** `baseUrl()` is the emulator's origin; problems go to `report` (the emulator's strict list). */
export function emulateFileUploads(baseUrl: () => string, report: (problem: string) => void): FileUploads {
  // One upload URL per file; the bytes posted there wait for completeUploadExternal.
  const pending = new Map<string, { filename: string; length: number; altText?: string; bytes?: Buffer }>();
  const files: UploadedFile[] = [];
  let counter = 0;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

  const methods: FileUploads['methods'] = {
    'files.getUploadURLExternal': (args) => {
      const filename = str(args.filename);
      const length = Number(str(args.length));
      if (!filename || !Number.isInteger(length) || length <= 0) return { ok: false, error: 'invalid_arguments' };
      counter += 1;
      const id = `F${String(counter).padStart(8, '0')}`;
      pending.set(id, { filename, length, altText: str(args.alt_text) });
      return { ok: true, upload_url: `${baseUrl()}/upload/${id}`, file_id: id };
    },
    'files.completeUploadExternal': (args) => {
      const list = Array.isArray(args.files) ? (args.files as Json[]) : [];
      if (list.length === 0) return { ok: false, error: 'invalid_arguments' };
      const done: Json[] = [];
      for (const f of list) {
        const id = str(f.id) ?? '';
        const upload = pending.get(id);
        if (!upload?.bytes) return { ok: false, error: 'file_not_found' };
        pending.delete(id);
        const file: UploadedFile = { id, filename: upload.filename, bytes: upload.bytes, channel: str(args.channel_id) ?? '' };
        if (str(f.title)) file.title = str(f.title);
        if (upload.altText) file.altText = upload.altText;
        if (str(args.thread_ts)) file.thread_ts = str(args.thread_ts);
        files.push(file);
        done.push({ id, title: file.title ?? file.filename });
      }
      return { ok: true, files: done };
    },
  };

  /** The upload URL accepts the bytes raw or as multipart form data (what @slack/web-api's filesUploadV2 sends). */
  const handle: FileUploads['handle'] = async (path, req, res, raw) => {
    const id = /^\/upload\/(F\d+)$/.exec(path)?.[1];
    if (req.method !== 'POST' || !id) return false;
    const upload = pending.get(id);
    if (!upload || upload.bytes) {
      report(`upload POST ${id}: ${upload ? 'uploaded twice' : 'unknown upload URL'}`);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return true;
    }
    let bytes = raw;
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': type } }).formData();
      const part = [...form.values()].find((v) => typeof v !== 'string');
      bytes = part && typeof part !== 'string' ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
    }
    if (bytes.length !== upload.length) {
      report(`upload POST ${id}: ${bytes.length} bytes, but getUploadURLExternal announced ${upload.length}`);
      res.writeHead(400, { 'content-type': 'text/plain' }).end('length mismatch');
      return true;
    }
    upload.bytes = bytes;
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${bytes.length}`);
    return true;
  };

  return { files, methods, handle };
}
