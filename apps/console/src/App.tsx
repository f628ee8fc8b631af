import { Admin, Resource } from 'react-admin';
import { authProvider } from './authProvider';
import { ConsoleLayout } from './ConsoleLayout';
import { dataProvider } from './dataProvider';
import auditLog from './resources/audit-log';
import emailLog from './resources/email-log';
import emailTemplates from './resources/email-templates';
import ipLog from './resources/ip-log';
import panelServers from './resources/panel-servers';
import provisioningLog from './resources/provisioning-log';
import schedules from './resources/schedules';
import services from './resources/services';
import settings from './resources/settings';
import tasks from './resources/tasks';
import team from './resources/team';
import { unavailablePages } from './resources/unavailable';

/** One entry per page, in menu order; each page's folder says its name, its views and whether only staff see it. */
const PAGES = [tasks, schedules, emailTemplates, auditLog, emailLog, ipLog, provisioningLog, services, panelServers, team, settings];

/**
 * One resource per page of DESIGN.md §1. Customers get only the pages open
 * to them: the admin pages are not registered for them, so they are neither
 * in the menu nor reachable by URL (and the gateway refuses their API anyway).
 * A page whose issue has not landed shows a plain "not available yet".
 */
export function App() {
  return (
    <Admin authProvider={authProvider} dataProvider={dataProvider} layout={ConsoleLayout} requireAuth disableTelemetry title="Ops Ledger">
      {(role: string | undefined) => [
        ...PAGES.filter((page) => role === 'admin' || !page.adminOnly).map(({ adminOnly: _, ...page }) => (
          <Resource key={page.name} {...page} />
        )),
        ...(role === 'admin'
          ? unavailablePages
              .filter((pending) => !PAGES.some((page) => page.name === pending.name))
              .map((page) => (
                <Resource key={page.name} name={page.name} options={{ label: page.label }} list={page.list} icon={page.icon} />
              ))
          : []),
      ]}
    </Admin>
  );
}
