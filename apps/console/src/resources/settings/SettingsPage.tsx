import { Box } from '@mui/material';
import { Title } from 'react-admin';
import { EmailSettings } from './EmailSettings';
import { SecuritySettings } from './SecuritySettings';

/** Settings, one card per section (Email, Security; retention arrives with its issue). */
export function SettingsPage() {
  return (
    <Box>
      <Title title="Settings" />
      <EmailSettings />
      <SecuritySettings />
    </Box>
  );
}
