import { describe, expect, it } from 'vitest';
import { checkTemplate } from './domain/template-render';
import { isTemplateName } from './domain/refs';
import { loadShippedTemplates } from './shipped-templates';

describe('the templates that ship with the service', () => {
  const shipped = loadShippedTemplates();

  it('include the platform’s own', () => {
    expect([...shipped.keys()]).toEqual(
      expect.arrayContaining([
        'user.welcome',
        'instance.suspended',
        'billing.invoice',
        'task.failed',
        'login.new-location',
        'settings.test',
      ]),
    );
  });

  it.each([...loadShippedTemplates().keys()])('%s has a valid name, a description, and passes every check a save makes', (name) => {
    const template = shipped.get(name)!;
    expect(isTemplateName(name)).toBe(true);
    expect(template.description.length).toBeGreaterThan(10);
    expect(checkTemplate(template.content)).toEqual([]);
    expect(template.content.subject).not.toMatch(/\n/);
  });
});
