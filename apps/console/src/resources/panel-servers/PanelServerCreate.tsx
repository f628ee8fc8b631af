import { BooleanInput, Create, NumberInput, PasswordInput, required, SimpleForm, TextInput } from 'react-admin';

export function PanelServerCreate() {
  return (
    <Create redirect="list">
      <SimpleForm defaultValues={{ tlsVerify: true, timeoutMs: 30_000 }}>
        <TextInput source="name" validate={required()} />
        <TextInput source="apiUrl" label="API URL" validate={required()} helperText="e.g. https://panel.example.com:2087" />
        <PasswordInput source="apiToken" label="API token" validate={required()} helperText="Stored encrypted; it cannot be shown again" />
        <BooleanInput source="tlsVerify" label="Verify the panel's TLS certificate" />
        <NumberInput source="timeoutMs" label="Timeout (ms)" min={1000} max={60000} />
      </SimpleForm>
    </Create>
  );
}
