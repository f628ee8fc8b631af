/** An entry is trusted at most this long even when no change was heard: a bound on what a missed notice could cost. */
export const PRINCIPAL_CACHE_MAX_AGE_MS = 10_000;
const MAX_ENTRIES = 10_000;

/** A successful session or token check, as remembered: whose it is and until when it holds. */
export interface Admitted<T> {
  value: T;
  userId: string;
  expiresAt: Date;
}

interface Entry<T> extends Admitted<T> {
  cachedAt: number;
}

/** What changed in the identity tables, as their trigger names it (see the identity migrations). */
export type IdentityChange = { kind: 'user'; id: string } | { kind: 'token'; hash: string };

/**
 * Who a session or API token belongs to, remembered for a few seconds so a console's requests do not each ask
 * Postgres. It remembers only while the gateway hears every change to the accounts, sessions and tokens (the
 * identity tables' trigger notifies each one as it commits, on every replica): a change forgets what it touches, a
 * lost listening connection forgets everything and remembering stops until it is back, and a check that was reading
 * while a change arrived is answered but not kept (it may have read the row before the change).
 */
export class PrincipalCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  /** Counts the changes heard: a check that started before the latest one does not store what it read. */
  private generation = 0;
  private listening = false;

  constructor(private readonly now: () => number = Date.now) {}

  /** The remembered check for this token hash, or `load`'s answer (kept when it is safe to). */
  async admit(hash: string, load: () => Promise<Admitted<T> | undefined>): Promise<T | undefined> {
    const entry = this.entries.get(hash);
    const now = this.now();
    if (entry && this.listening && now - entry.cachedAt < PRINCIPAL_CACHE_MAX_AGE_MS && now < entry.expiresAt.getTime()) {
      return entry.value;
    }
    this.entries.delete(hash);
    const generation = this.generation;
    const admitted = await load();
    if (admitted && this.listening && generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(hash, { ...admitted, cachedAt: this.now() });
    }
    return admitted?.value;
  }

  /** A committed change to an account, a session or a token: what it may have made stale is forgotten. */
  changed(change: IdentityChange): void {
    this.generation++;
    if (change.kind === 'token') {
      this.entries.delete(change.hash);
      return;
    }
    for (const [hash, entry] of this.entries) if (entry.userId === change.id) this.entries.delete(hash);
  }

  /** Changes are heard from now on (the LISTEN is in place). */
  listen(): void {
    this.generation++;
    this.listening = true;
  }

  /** Changes may go unheard (the listening connection is lost): nothing remembered is trusted, nothing new is kept. */
  deafen(): void {
    this.generation++;
    this.listening = false;
    this.entries.clear();
  }
}
