import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './manifest';

/**
 * How the image starts a process: the node flags of its CMD and the memory settings of its ENV. The Dockerfile is the
 * one place they are written; `npm start` (up.sh) is checked against it and `npm run bench:rss` measures with it.
 */
export function imageRuntime(root = repoRoot): { nodeFlags: string[]; env: Record<string, string> } {
  const dockerfile = readFileSync(join(root, 'deploy/Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const cmd = /^CMD (\[.*\])$/m.exec(runtime)?.[1];
  if (!cmd) throw new Error('deploy/Dockerfile: the runtime stage has no CMD ["node", ...]');
  const args = JSON.parse(cmd) as string[];
  const nodeFlags = args.slice(1).filter((a) => a.startsWith('--'));
  const env = Object.fromEntries([...runtime.matchAll(/^ENV (MALLOC_\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  return { nodeFlags, env };
}
