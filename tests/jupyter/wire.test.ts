import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { createMessage, decodeMessage, encodeMessage } from '../../src/jupyter/wire';

const KEY = 'secret-key';

test('a message survives encode → decode behind routing identities, signed as the protocol says', () => {
  const msg = createMessage('execute_request', { code: '1 + 1' }, 'session-1');
  const frames = encodeMessage(msg, KEY);
  assert.equal(frames[0].toString(), '<IDS|MSG>');
  const hmac = createHmac('sha256', KEY);
  for (const part of frames.slice(2)) hmac.update(part);
  assert.equal(frames[1].toString(), hmac.digest('hex'));
  assert.deepEqual(decodeMessage([Buffer.from('peer-identity'), ...frames], KEY), msg);
});

test('a tampered, unsigned or truncated message is rejected with the reason', () => {
  const frames = encodeMessage(createMessage('kernel_info_request', {}, 's'), KEY);
  assert.throws(() => decodeMessage(frames, 'other-key'), /bad HMAC signature/);
  assert.throws(() => decodeMessage(frames.slice(1), KEY), /no <IDS\|MSG> delimiter/);
  assert.throws(() => decodeMessage(frames.slice(0, 4), KEY), /3 frames after the delimiter, need 5/);
});
