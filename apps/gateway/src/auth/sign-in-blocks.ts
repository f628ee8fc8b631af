/** A brute-force block the IP Log's projection holds (LoginAttackSuspected, not lifted, cool-down running). */
export interface ActiveBlock {
  blockId: string;
  scope: 'account' | 'ip' | 'asn';
  key: string;
  blockedUntil: Date;
}

/**
 * Where sign-in asks whether an account or an address is blocked. The IP
 * Log's module answers it from its read model (fed by LOGINS, so every
 * gateway replica sees the same blocks); without it nothing is blocked.
 */
export class SignInBlocks {
  private finder: ((email: string, ip: string) => Promise<ActiveBlock | undefined>) | undefined;

  use(finder: (email: string, ip: string) => Promise<ActiveBlock | undefined>): void {
    this.finder = finder;
  }

  find(email: string, ip: string): Promise<ActiveBlock | undefined> {
    return this.finder ? this.finder(email.trim().toLowerCase(), ip) : Promise.resolve(undefined);
  }
}

/** The refusal a blocked sign-in gets: what is blocked, until when, and that an admin can lift it. */
export function blockedMessage(block: ActiveBlock, now = new Date()): string {
  const what = block.scope === 'account' ? 'this account' : block.scope === 'ip' ? 'your address' : 'your network';
  const minutes = Math.max(1, Math.ceil((block.blockedUntil.getTime() - now.getTime()) / 60_000));
  return (
    `sign-in from ${what} is blocked after repeated failed sign-ins (suspected attack) until ` +
    `${block.blockedUntil.toISOString().slice(0, 16).replace('T', ' ')} UTC (about ${minutes} min); an administrator can lift the block`
  );
}
