import EmailIcon from '@mui/icons-material/Email';
import { TemplateCreate } from './TemplateCreate';
import { TemplateEdit } from './TemplateEdit';
import { TemplateList } from './TemplateList';

export default {
  name: 'email-templates',
  adminOnly: true,
  list: TemplateList,
  edit: TemplateEdit,
  create: TemplateCreate,
  icon: EmailIcon,
  options: { label: 'Email Templates' },
  recordRepresentation: 'name',
};
