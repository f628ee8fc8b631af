import { loginsV1, settingsV1 } from '@opsledger/contracts';
import { type EventStore, handleCommand } from '@opsledger/eventstore';
import { actorSchema, type CommandHandler } from '@opsledger/messaging';
import { commandContext } from '@opsledger/service-runtime';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { blockDecider } from '../domain/block';
import { blockRef, securitySectionRef } from '../domain/refs';
import { securitySettingsDecider } from '../domain/security-settings';
import { pruneIpLogHandler, type PruneIpLogDeps } from './prune-ip-log.handler';

export interface LoginsCommandDeps {
  store: EventStore;
  newId: () => string;
  now: () => Date;
  /** Settings → Retention's IP Log prune (the logins.retention job). */
  prune: PruneIpLogDeps;
}

/** proxy-addr's named sets, which the gateway understands beside addresses and CIDRs. */
export const NAMED_PROXY_SETS = ['loopback', 'linklocal', 'uniquelocal'];

/** An address, a CIDR (its host bits may be set, as proxy-addr allows), or a named set. */
export function isProxyEntry(value: string): boolean {
  const entry = value.trim();
  if (NAMED_PROXY_SETS.includes(entry)) return true;
  if (entry.includes('/')) {
    try {
      ipaddr.parseCIDR(entry);
      return true;
    } catch {
      return false;
    }
  }
  return ipaddr.isValid(entry);
}

const whole = (min: number, max: number, unit: string) =>
  z
    .number('must be a number')
    .int('must be a whole number')
    .min(min, `must be at least ${min}${unit}`)
    .max(max, `must be at most ${max}${unit}`);

export const changeSecuritySettingsSchema = z.object({
  actor: actorSchema,
  trustedProxies: z
    .array(z.string().max(64, 'must be at most 64 characters'))
    .max(100, 'at most 100 entries')
    .superRefine((entries, ctx) => {
      entries.forEach((entry, i) => {
        if (!isProxyEntry(entry))
          ctx.addIssue({
            code: 'custom',
            path: [i],
            message: `"${entry}" is not an IP address, a CIDR (e.g. 10.0.0.0/8) or one of ${NAMED_PROXY_SETS.join(', ')}`,
          });
      });
    }),
  notifications: z.object({ newLocation: z.boolean(), sessionExpired: z.boolean() }, 'is required'),
  bruteForce: z.object(
    {
      threshold: whole(1, 10_000, ''),
      windowSeconds: whole(10, 86_400, ' s'),
      coolDownSeconds: whole(10, 7 * 86_400, ' s'),
    },
    'is required',
  ),
});

/**
 * The logins service's commands: Settings → Security
 * (cmd.settings.change-security-settings, a whole section, validated here:
 * a bad proxy entry is named with its index), lifting a brute-force block and
 * the IP Log's retention prune (cmd.logins.prune-ip-log).
 */
export function loginsCommandHandlers(deps: LoginsCommandDeps): CommandHandler<any, any>[] {
  const changeSecuritySettings: CommandHandler<
    typeof settingsV1.ChangeSecuritySettingsCommand.command,
    typeof settingsV1.ChangeSecuritySettingsCommand.result
  > = {
    definition: settingsV1.ChangeSecuritySettingsCommand,
    schema: changeSecuritySettingsSchema,
    async handle(command, meta) {
      const { version } = await handleCommand(
        deps,
        securitySectionRef,
        securitySettingsDecider,
        {
          kind: 'ChangeSecuritySettings',
          trustedProxies: command.trustedProxies,
          notifications: { newLocation: command.notifications!.newLocation, sessionExpired: command.notifications!.sessionExpired },
          bruteForce: {
            threshold: command.bruteForce!.threshold,
            windowSeconds: command.bruteForce!.windowSeconds,
            coolDownSeconds: command.bruteForce!.coolDownSeconds,
          },
          now: deps.now(),
        },
        commandContext(command, meta),
      );
      return { section: 'security', version: BigInt(version) };
    },
  };
  const liftLoginBlock: CommandHandler<typeof loginsV1.LiftLoginBlockCommand.command, typeof loginsV1.LiftLoginBlockCommand.result> = {
    definition: loginsV1.LiftLoginBlockCommand,
    schema: z.object({ actor: actorSchema, blockId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a block id') }),
    async handle(command, meta) {
      const { version } = await handleCommand(
        deps,
        blockRef(command.blockId),
        blockDecider,
        { kind: 'LiftLoginBlock', blockId: command.blockId, now: deps.now() },
        commandContext(command, meta),
      );
      return { blockId: command.blockId, version: BigInt(version) };
    },
  };
  return [changeSecuritySettings, liftLoginBlock, pruneIpLogHandler(deps.prune)];
}
