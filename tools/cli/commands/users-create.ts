import { createAccount } from '@opsledger/gateway/identity';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { reportRefusal, withIdentity } from './identity-cli';

/**
 * `opsledger users create`: the first admin (or any account) without the HTTP
 * server. Its AccountCreated goes on the IDENTITY stream (so a customer gets
 * the welcome email), with the OS `user@host` as actor and `cli` as source
 * (identity-cli.ts); a taken email or a password against the policy is one line naming the field, exit 65.
 */
export async function usersCreate(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', default: 'admin' } },
  });
  const password = process.env.OPSLEDGER_PASSWORD ?? (await askSecret('password (at least 12 characters): '));
  try {
    return await withIdentity(async (db, events) => {
      const account = await createAccount(
        db,
        { email: values.email ?? '', name: values.name ?? '', role: values.role as 'admin', password },
        events,
      );
      console.log(`created ${account.role} ${account.email} (id ${account.id})`);
      return 0;
    });
  } catch (error) {
    return reportRefusal(error);
  }
}

type SecretInput = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };

/**
 * Asks for a secret without showing it: on a terminal the typed characters are read in raw mode and never written
 * back (Backspace corrects, Ctrl-C cancels); from a pipe, the first line is read. readline's question() echoed it.
 */
export async function askSecret(
  prompt: string,
  input: SecretInput = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  output.write(prompt);
  if (!input.isTTY || !input.setRawMode) {
    const rl = createInterface({ input, terminal: false });
    try {
      for await (const line of rl) return line;
      return '';
    } finally {
      rl.close();
    }
  }
  const setRaw = input.setRawMode.bind(input);
  setRaw(true);
  input.resume();
  return new Promise<string>((resolve, reject) => {
    let value = '';
    const finish = (then: () => void) => {
      input.off('data', onData);
      setRaw(false);
      input.pause();
      output.write('\n');
      then();
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') return finish(() => resolve(value));
        if (ch === '\u0003') return finish(() => reject(new Error('cancelled')));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    input.on('data', onData);
  });
}
