import { DateField } from 'react-admin';

/** Times always with their time zone: operators compare them with logs from elsewhere. */
export const TimeField = ({ source, label }: { source: string; label?: string }) => (
  <DateField source={source} label={label} showTime options={{ dateStyle: 'medium', timeStyle: 'long' }} />
);
