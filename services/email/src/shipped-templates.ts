import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TemplateContent } from './domain/template-render';

/** A template as it ships in src/templates: `<name>.subject.hbs`, `<name>.html.hbs` and `<name>.schema.json`. */
export interface ShippedTemplate {
  name: string;
  description: string;
  content: TemplateContent;
}

interface SchemaFile {
  description: string;
  tokens: Record<string, { description: string; sample: unknown }>;
}

export const SHIPPED_TEMPLATES_DIR = fileURLToPath(new URL('./templates/', import.meta.url));

/**
 * Reads the templates that ship with the service, by their schema files.
 * The subject file's trailing newline is the file's, not the subject's.
 */
export function loadShippedTemplates(dir = SHIPPED_TEMPLATES_DIR): Map<string, ShippedTemplate> {
  const templates = new Map<string, ShippedTemplate>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.schema.json'))
    .sort()) {
    const name = file.slice(0, -'.schema.json'.length);
    const schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as SchemaFile;
    templates.set(name, {
      name,
      description: schema.description,
      content: {
        subject: readFileSync(join(dir, `${name}.subject.hbs`), 'utf8').trim(),
        html: readFileSync(join(dir, `${name}.html.hbs`), 'utf8'),
        tokens: Object.entries(schema.tokens).map(([path, t]) => ({
          path,
          description: t.description,
          sampleJson: JSON.stringify(t.sample),
        })),
      },
    });
  }
  return templates;
}
