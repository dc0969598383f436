import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/** Protocol version this client speaks (tslab 1.0.22 answers with 5.3). */
const PROTOCOL_VERSION = '5.3';
/** Separates the ZeroMQ routing identities from the signed message parts. */
const DELIMITER = Buffer.from('<IDS|MSG>');

export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

/** A decoded Jupyter message; `content` stays untyped until a handler narrows it by `msg_type`. */
export interface JupyterMessage {
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
}

/** Returns a new request message of `msgType` for `session` with a fresh msg_id. */
export function createMessage(msgType: string, content: Record<string, unknown>, session: string): JupyterMessage {
  return {
    header: {
      msg_id: randomUUID(),
      msg_type: msgType,
      session,
      username: 'guidance-lab',
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    },
    parent_header: {},
    metadata: {},
    content,
  };
}

/** Returns the hex HMAC-SHA256 of the four JSON parts, as the wire protocol signs them. */
function sign(key: string, parts: readonly Buffer[]): string {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
}

/** Returns the ZeroMQ frames of `msg`: delimiter, signature, header, parent header, metadata, content. */
export function encodeMessage(msg: JupyterMessage, key: string): Buffer[] {
  const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((p) => Buffer.from(JSON.stringify(p)));
  return [DELIMITER, Buffer.from(sign(key, parts)), ...parts];
}

/** Returns the message in `frames` after checking its signature; throws naming what is wrong. */
export function decodeMessage(frames: readonly Buffer[], key: string): JupyterMessage {
  const at = frames.findIndex((f) => f.equals(DELIMITER));
  if (at < 0) throw new Error(`malformed Jupyter message: no <IDS|MSG> delimiter in ${frames.length} frames`);
  const signature = frames[at + 1];
  const parts = frames.slice(at + 2, at + 6);
  if (signature === undefined || parts.length < 4) {
    throw new Error(`malformed Jupyter message: ${frames.length - at - 1} frames after the delimiter, need 5`);
  }
  const expected = Buffer.from(sign(key, parts));
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    throw new Error(`bad HMAC signature "${signature.toString()}" on a Jupyter message`);
  }
  const [header, parent_header, metadata, content] = parts.map((p) => JSON.parse(p.toString('utf8')) as unknown);
  return {
    header: header as MessageHeader,
    parent_header: parent_header as Partial<MessageHeader>,
    metadata: metadata as Record<string, unknown>,
    content: content as Record<string, unknown>,
  };
}
