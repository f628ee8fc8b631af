import { AccountCommands, findAccountByEmail } from '@opsledger/gateway/identity';
import { parseArgs } from 'node:util';
import { reportRefusal, withIdentity } from './identity-cli';

/**
 * `opsledger users delete --email <email>`: deletes an account (its sessions and API tokens stop working at once),
 * recorded as AccountDeleted with the OS `user@host` as actor and `cli` as source. The last active admin is refused.
 */
export async function usersDelete(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { email: { type: 'string' } } });
  if (!values.email) {
    console.error('--email: required, the address of the account to delete');
    return 64;
  }
  const email = values.email;
  try {
    return await withIdentity(async (db, events) => {
      const account = await findAccountByEmail(db, email);
      if (!account) {
        console.error(`--email: no account with ${email.toLowerCase()}`);
        return 65;
      }
      await new AccountCommands(db, events.store).delete(account.id, events.by);
      console.log(`deleted ${account.role} ${account.email} (id ${account.id})`);
      return 0;
    });
  } catch (error) {
    return reportRefusal(error);
  }
}
