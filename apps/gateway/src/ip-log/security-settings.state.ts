import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { TrustedProxies } from '../auth/client-ip';
import { SignInBlocks } from '../auth/sign-in-blocks';
import type { ContextReadModel } from '../projections/read-model';
import type { IpLogTables, SecuritySettingsRow } from './ip-log-tables';
import { IpLogReadModel } from './ip-log.read-model';

/** Replicas that do not run the settings projection themselves pick a change up within this. */
const REFRESH_MS = 5_000;

/**
 * Keeps the gateway's sign-in in line with the IP Log's read model: the
 * trusted proxies of Settings → Security (applied as the projection commits
 * them, and re-read every few seconds for replicas that do not project), and
 * the brute-force blocks sign-in refuses.
 */
@Injectable()
export class SecuritySettingsState implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  version = 0;

  constructor(
    @Inject(IpLogReadModel) private readonly readModel: ContextReadModel<IpLogTables>,
    @Inject(TrustedProxies) private readonly proxies: TrustedProxies,
    @Inject(SignInBlocks) private readonly blocks: SignInBlocks,
  ) {}

  async onModuleInit() {
    this.blocks.use((email, ip) => this.activeBlock(email, ip));
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy() {
    clearInterval(this.timer);
  }

  /** Reads the saved section (none yet, or no table yet: the environment's proxies) and applies its proxies. */
  async refresh(): Promise<SecuritySettingsRow | undefined> {
    const row = await this.row().catch(() => undefined);
    this.proxies.apply(row ? row.trusted_proxies : undefined);
    this.version = row ? Number(row.version) : 0;
    return row;
  }

  row() {
    return this.readModel.db.selectFrom('security_settings').selectAll().where('section', '=', 'security').executeTakeFirst();
  }

  private async activeBlock(email: string, ip: string) {
    const now = new Date();
    const row = await this.readModel.db
      .selectFrom('login_block')
      .select(['id', 'scope', 'key', 'blocked_until'])
      .where((eb) =>
        eb.or([
          eb.and([eb('scope', '=', 'ip'), eb('key', '=', ip)]),
          ...(email ? [eb.and([eb('scope', '=', 'account'), eb('key', '=', email)])] : []),
        ]),
      )
      .where('blocked_until', '>', now)
      .where('lifted_at', 'is', null)
      .orderBy('blocked_until', 'desc')
      .executeTakeFirst()
      .catch(() => undefined);
    return row
      ? { blockId: row.id, scope: row.scope as 'ip' | 'account', key: row.key, blockedUntil: new Date(row.blocked_until) }
      : undefined;
  }
}
