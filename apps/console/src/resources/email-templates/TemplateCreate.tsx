import { TemplateEditor } from './TemplateEditor';

/** Add Template: a custom template with the tokens it declares, checked (and previewed) as it is written. */
export function TemplateCreate() {
  return <TemplateEditor />;
}
