import {
  Datagrid,
  DateTimeInput,
  FilterButton,
  List,
  NumberField,
  SearchInput,
  SelectInput,
  TextField,
  TextInput,
  TopToolbar,
} from 'react-admin';
import { CsvExportButton } from '../../CsvExportButton';
import { TimeField } from '../../TimeField';
import { DiagnosisCodeField, EntryStatusChip, ACTIONS } from './LogEntryFields';
import { LogEntryDetail } from './LogEntryDetail';

const choices = (ids: readonly string[]) => ids.map((id) => ({ id, name: id }));

// Filters live in the URL, so a filtered view can be bookmarked and shared.
const filters = [
  <SearchInput key="q" source="q" placeholder="Domain or client" alwaysOn />,
  <SelectInput key="action" source="action" choices={choices(ACTIONS)} alwaysOn />,
  <SelectInput key="status" source="status" choices={choices(['success', 'failed'])} alwaysOn />,
  <TextInput key="serviceId" source="serviceId" label="Service id" />,
  <DateTimeInput key="from" source="createdAt_gte" label="After" />,
  <DateTimeInput key="to" source="createdAt_lte" label="Before" />,
];

const actions = (
  <TopToolbar>
    <FilterButton />
    <CsvExportButton />
  </TopToolbar>
);

/** The rows of a log, newest first; a click expands the payloads and the diagnosis. Used here and on the Service page. */
export function LogEntryGrid({ showService = true }: { showService?: boolean }) {
  return (
    <Datagrid rowClick="expand" expand={<LogEntryDetail />} bulkActionButtons={false}>
      <TimeField source="createdAt" label="Time" />
      {showService && <TextField source="domain" />}
      {showService && <TextField source="clientName" label="Client" />}
      <TextField source="action" />
      <NumberField source="attempt" />
      <EntryStatusChip label="Status" />
      <NumberField source="durationMs" label="Duration (ms)" />
      <DiagnosisCodeField label="Diagnosis" />
    </Datagrid>
  );
}

export function ProvisioningLogList() {
  return (
    <List filters={filters} actions={actions} sort={{ field: 'createdAt', order: 'DESC' }} perPage={25} title="Provisioning Log">
      <LogEntryGrid />
    </List>
  );
}
