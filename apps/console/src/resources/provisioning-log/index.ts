import StorageIcon from '@mui/icons-material/Storage';
import { ProvisioningLogList } from './ProvisioningLogList';

export default {
  list: ProvisioningLogList,
  icon: StorageIcon,
  options: { label: 'Provisioning Log' },
};
