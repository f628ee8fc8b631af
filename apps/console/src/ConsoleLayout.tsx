import type { ReactNode } from 'react';
import { Layout } from 'react-admin';
import { LiveUpdates } from './LiveUpdates';

export function ConsoleLayout({ children }: { children: ReactNode }) {
  return (
    <Layout>
      <LiveUpdates />
      {children}
    </Layout>
  );
}
