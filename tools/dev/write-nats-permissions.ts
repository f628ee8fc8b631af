// `npm run nats:permissions`: renders deploy/nats/permissions.conf from the table in nats-permissions.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './manifest';
import { renderNatsPermissions } from './nats-permissions';

writeFileSync(join(repoRoot, 'deploy/nats/permissions.conf'), renderNatsPermissions());
