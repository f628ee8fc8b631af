import StorageIcon from '@mui/icons-material/Storage';
import { ProvisioningLogList } from './ProvisioningLogList';

export default {
  name: 'provisioning-log',
  adminOnly: true,
  list: ProvisioningLogList,
  icon: StorageIcon,
  options: { label: 'Provisioning Log' },
};
