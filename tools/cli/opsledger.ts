// The operator CLI.
import { auditVerify } from './commands/audit-verify';
import { provisioningPrune } from './commands/provisioning-prune';
import { usersCreate } from './commands/users-create';
import { usersDelete } from './commands/users-delete';

const USAGE = `usage:
  opsledger users create --email <email> --name <name> --role admin|customer
      The password is read from OPSLEDGER_PASSWORD, or asked for.
  opsledger users delete --email <email>
      Deletes the account; its sessions and API tokens stop working at once.
      The last active admin cannot be deleted.
  opsledger provisioning prune --days=<N> [--dry-run]
      Removes Provisioning Log entries older than N days (events and read model);
      --dry-run only counts them. Safe to run from a scheduler.
  opsledger audit verify
      Walks the Audit Log's hash chain; exit 1 and the first entry whose hash or
      link does not match when it is broken.`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  'users create': usersCreate,
  'users delete': usersDelete,
  'provisioning prune': provisioningPrune,
  'audit verify': auditVerify,
};

const [group, action, ...rest] = process.argv.slice(2);
const command = COMMANDS[`${group} ${action}`];
if (!command) {
  console.error(USAGE);
  process.exit(64);
}
process.exitCode = await command(rest);
