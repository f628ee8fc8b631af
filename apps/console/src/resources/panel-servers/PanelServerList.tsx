import { BooleanField, CreateButton, Datagrid, List, NumberField, TextField, TopToolbar } from 'react-admin';
import { TimeField } from '../../TimeField';

const actions = (
  <TopToolbar>
    <CreateButton />
  </TopToolbar>
);

/** Hosting panels. The API token is write-only: the API never returns it, so it is not here. */
export function PanelServerList() {
  return (
    <List actions={actions} sort={{ field: 'createdAt', order: 'DESC' }} title="Panel Servers">
      <Datagrid bulkActionButtons={false}>
        <TextField source="name" />
        <TextField source="apiUrl" label="API URL" />
        <BooleanField source="tlsVerify" label="TLS verification" />
        <NumberField source="timeoutMs" label="Timeout (ms)" />
        <TimeField source="createdAt" label="Added" />
      </Datagrid>
    </List>
  );
}
