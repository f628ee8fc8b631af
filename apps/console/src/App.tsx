import { Admin, Resource } from 'react-admin';
import { authProvider } from './authProvider';
import { dataProvider } from './dataProvider';
import { ConsoleLayout } from './ConsoleLayout';
import { unavailablePages } from './resources/unavailable';
import tasks from './resources/tasks';
import panelServers from './resources/panel-servers';
import provisioningLog from './resources/provisioning-log';
import services from './resources/services';

/**
 * One resource per page of DESIGN.md §1. Customers get only their tasks:
 * the admin pages are not registered for them, so they are neither in the
 * menu nor reachable by URL (and the gateway refuses their API anyway).
 */
export function App() {
  return (
    <Admin authProvider={authProvider} dataProvider={dataProvider} layout={ConsoleLayout} requireAuth disableTelemetry title="Ops Ledger">
      {(role: string | undefined) => [
        <Resource key="tasks" name="tasks" {...tasks} />,
        ...(role === 'admin'
          ? [
              ...unavailablePages.map((page) => (
                <Resource key={page.name} name={page.name} options={{ label: page.label }} list={page.list} icon={page.icon} />
              )),
              <Resource key="provisioning-log" name="provisioning-log" {...provisioningLog} />,
              <Resource key="services" name="services" {...services} />,
              <Resource key="panel-servers" name="panel-servers" {...panelServers} />,
            ]
          : []),
      ]}
    </Admin>
  );
}
