import { Datagrid, DateTimeInput, FilterButton, List, SelectInput, TextField, TextInput, TopToolbar, useListContext } from 'react-admin';
import { FormControlLabel, Switch } from '@mui/material';
import { CsvExportButton } from '../../CsvExportButton';
import { TimeField } from '../../TimeField';
import { AddressField, PlaceField, ResultChip } from './IpLogFields';
import { LastHour } from './LastHour';

const results = [
  { id: 'succeeded', name: 'succeeded' },
  { id: 'failed', name: 'failed' },
  { id: 'rate_limited', name: 'refused' },
];
const channels = [
  { id: 'panel', name: 'panel' },
  { id: 'api', name: 'API' },
];

// Filters live in the URL, so a filtered view can be bookmarked and shared.
const filters = [
  <TextInput key="email" source="email" label="Email" alwaysOn />,
  <TextInput key="ip" source="ip" label="IP or CIDR" alwaysOn />,
  <SelectInput key="result" source="result" choices={results} />,
  <TextInput key="country" source="country" label="Country (code)" />,
  <TextInput key="asn" source="asn" label="ASN" />,
  <SelectInput key="channel" source="channel" choices={channels} />,
  <TextInput key="userId" source="userId" label="User id" />,
  <DateTimeInput key="from" source="at_gte" label="After" />,
  <DateTimeInput key="to" source="at_lte" label="Before" />,
];

/** The failed-only quick filter: failures and refusals, nothing that succeeded. */
function FailedOnly() {
  const { filterValues, setFilters, displayedFilters } = useListContext();
  const on = filterValues.failedOnly === true;
  return (
    <FormControlLabel
      control={
        <Switch
          checked={on}
          data-testid="ip-log-failed-only"
          onChange={() => {
            const { failedOnly: _, ...rest } = filterValues;
            setFilters(on ? rest : { ...rest, failedOnly: true }, displayedFilters);
          }}
        />
      }
      label="Failed only"
    />
  );
}

const actions = (
  <TopToolbar>
    <FailedOnly />
    <FilterButton />
    <CsvExportButton />
  </TopToolbar>
);

/** Every panel and API sign-in, failed ones too, newest first: who, from where (and through which proxy), with what, and how it went. */
export function IpLogList() {
  return (
    <List filters={filters} actions={actions} sort={{ field: 'at', order: 'DESC' }} perPage={25} title="IP Log">
      <LastHour />
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TimeField source="at" label="Time" />
        <TextField source="email" label="User" sortable={false} emptyText="—" />
        <AddressField label="IP" sortable={false} />
        <PlaceField label="Country / network" sortable={false} />
        <TextField source="userAgentSummary" label="Client" sortable={false} emptyText="—" />
        <TextField source="channel" sortable={false} />
        <ResultChip label="Result" sortable={false} />
      </Datagrid>
    </List>
  );
}
