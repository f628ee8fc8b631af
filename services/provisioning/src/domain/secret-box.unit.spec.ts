import { expect, it } from 'vitest';
import { SecretBox } from './secret-box';

it('seals a token so that only the same key opens it, and a tampered box fails', () => {
  const box = new SecretBox('a-key-of-sixteen-chars-or-more');
  const sealed = box.seal('panel-token');
  expect(sealed).not.toContain('panel-token');
  expect(box.seal('panel-token')).not.toBe(sealed); // a fresh nonce each time
  expect(box.open(sealed)).toBe('panel-token');
  expect(() => new SecretBox('another-key-of-sixteen-chars').open(sealed)).toThrow();
  // Flip one bit of the ciphertext itself (a base64 character can hide padding bits; a byte cannot).
  const [version, nonce, ciphertext, tag] = sealed.split('.');
  const bytes = Buffer.from(ciphertext!, 'base64url');
  bytes[0]! ^= 1;
  expect(() => box.open([version, nonce, bytes.toString('base64url'), tag].join('.'))).toThrow();
  expect(() => new SecretBox('short')).toThrow(/at least 16/);
});
