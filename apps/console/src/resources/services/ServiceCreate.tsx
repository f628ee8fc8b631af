import { Create, ReferenceInput, required, SelectInput, SimpleForm, TextInput } from 'react-admin';

/** Registers a hosting account (state pending); the service checks every field and names the one that is wrong. */
export function ServiceCreate() {
  return (
    <Create redirect="show">
      <SimpleForm>
        <TextInput source="domain" validate={required()} helperText="e.g. shop.example.com" />
        <TextInput source="clientName" label="Client name" validate={required()} />
        <TextInput
          source="clientEmail"
          label="Client email"
          type="email"
          helperText="Where the client's notices go (e.g. the suspension email); leave empty for none"
        />
        <TextInput source="username" validate={required()} helperText="1–16 lower-case letters or digits, starting with a letter" />
        <TextInput source="package" validate={required()} helperText="Exactly as the panel names it (case-sensitive)" />
        <ReferenceInput source="panelServerId" reference="panel-servers">
          <SelectInput optionText="name" validate={required()} label="Panel server" />
        </ReferenceInput>
      </SimpleForm>
    </Create>
  );
}
