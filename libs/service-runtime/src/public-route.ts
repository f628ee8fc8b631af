import { SetMetadata } from '@nestjs/common';

/** Metadata a deny-by-default guard reads: this route is open to anyone (health probes, sign-in). */
export const PUBLIC_ROUTE = 'opsledger:public-route';
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
