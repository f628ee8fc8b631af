import { Box } from '@mui/material';
import { Title } from 'react-admin';
import { EmailSettings } from './EmailSettings';

/** Settings, one card per section (Email now; Security and retention arrive with their issues). */
export function SettingsPage() {
  return (
    <Box>
      <Title title="Settings" />
      <EmailSettings />
    </Box>
  );
}
