import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encrypts the provider credentials before they go into an event
 * (AES-256-GCM, a random 96-bit nonce per value, authenticated). The key
 * comes from EMAIL_SECRET_KEY; rotating it means entering the credentials
 * again in Settings → Email. The same construction as provisioning's: a
 * service never imports another's code, so it is repeated here (a shared
 * library is the next step when a third context seals secrets).
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secret: string) {
    if (secret.length < 16) throw new Error('EMAIL_SECRET_KEY must be at least 16 characters');
    this.key = createHash('sha256').update(secret).digest();
  }

  seal(plaintext: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', nonce.toString('base64url'), sealed.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  open(box: string): string {
    const [version, nonce, sealed, tag] = box.split('.');
    if (version !== 'v1' || !nonce || !sealed || !tag) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
  }
}
