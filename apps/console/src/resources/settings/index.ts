import SettingsIcon from '@mui/icons-material/Settings';
import { SettingsPage } from './SettingsPage';

export default {
  name: 'settings',
  adminOnly: true,
  list: SettingsPage,
  icon: SettingsIcon,
  options: { label: 'Settings' },
};
