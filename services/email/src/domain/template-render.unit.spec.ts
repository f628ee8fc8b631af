import { describe, expect, it } from 'vitest';
import { checkTemplate, renderTemplate, RenderFailure, sampleData, type TemplateContent } from './template-render';

const tokens = [
  { path: 'user.name', description: 'name', sampleJson: '"Ada Lovelace"' },
  { path: 'invoice.lines', description: 'lines', sampleJson: '[{"description":"Hosting","amount":"9.00"}]' },
];
const template = (html: string, subject = 'Hello {{ user.name }}'): TemplateContent => ({ subject, html, tokens });
const problems = (html: string, subject?: string) => checkTemplate(template(html, subject));

describe('checkTemplate', () => {
  it('accepts tokens of the schema, paths inside a sample, and the built-in blocks', () => {
    expect(
      problems(
        '<p>Dear {{ user.name }},</p>{{#if user.name}}hi{{/if}}\n{{#each invoice.lines}}<li>{{ description }} {{amount}} #{{@index}} for {{../user.name}}</li>{{/each}}{{#with user}}{{name}}{{/with}}',
      ),
    ).toEqual([]);
  });

  it('a syntax error names the part, its line and column', () => {
    expect(problems('<p>line one</p>\n<p>Dear {{ user.name }</p>')).toEqual([
      expect.objectContaining({
        field: 'html',
        rule: 'syntax',
        line: 2,
        column: 22,
        message: expect.stringMatching(/^line 2, column 22: syntax error/),
      }),
    ]);
    expect(problems('<p>{{ user.name </p>')).toEqual([expect.objectContaining({ field: 'html', rule: 'syntax', line: 1 })]);
    // A block closed by the wrong name: Handlebars' own check, located too.
    expect(problems('one\n{{#if user.name}}\n{{/each}}')).toEqual([expect.objectContaining({ rule: 'syntax', line: 2 })]);
    expect(problems('<p>x</p>', 'Hi {{#if}')).toEqual([expect.objectContaining({ field: 'subject', rule: 'syntax', line: 1 })]);
  });

  it('a token the schema does not declare is named, with where it is and what the template may use', () => {
    const [problem] = problems('<p>Hi</p>\n<p>{{ user.nmae }}</p>');
    expect(problem).toMatchObject({ field: 'html', rule: 'unknown_token', line: 2, column: 7 });
    expect(problem!.message).toContain('unknown token "user.nmae"');
    expect(problem!.message).toContain('user.name, invoice.lines');
    // Inside a loop, a path is the item's: lines have description and amount, not price.
    expect(problems('{{#each invoice.lines}}{{ price }}{{/each}}')).toEqual([
      expect.objectContaining({ rule: 'unknown_token', message: expect.stringContaining('"invoice.lines.price"') }),
    ]);
    expect(problems('<p>x</p>', 'Your {{ account.id }}')).toEqual([expect.objectContaining({ field: 'subject', rule: 'unknown_token' })]);
    expect(problems('{{ @root.secret }}')).toEqual([
      expect.objectContaining({ rule: 'unknown_token', message: expect.stringContaining('"secret"') }),
    ]);
  });

  it('refuses unescaped output, partials and helpers other than the built-in blocks', () => {
    expect(problems('{{{ user.name }}}')).toEqual([expect.objectContaining({ rule: 'unescaped', line: 1, column: 1 })]);
    expect(problems('{{& user.name }}')).toEqual([expect.objectContaining({ rule: 'unescaped' })]);
    expect(problems('{{> footer }}')).toEqual([expect.objectContaining({ rule: 'partial' })]);
    expect(problems('{{ lookup user "name" }}')).toEqual([expect.objectContaining({ rule: 'helper' })]);
    expect(problems('{{#raw}}x{{/raw}}')).toEqual([expect.objectContaining({ rule: 'helper' })]);
  });

  it('a template that does not render with its sample data is refused, saying why', () => {
    expect(problems('{{#each}}x{{/each}}')).toEqual([
      expect.objectContaining({ rule: 'render', message: expect.stringContaining('Must pass iterator to #each') }),
    ]);
    expect(problems('{{#if}}x{{/if}}')).toEqual([
      expect.objectContaining({ rule: 'render', message: expect.stringContaining('#if requires') }),
    ]);
  });

  it('checks the token schema itself', () => {
    expect(
      checkTemplate({ subject: 's', html: 'h', tokens: [{ path: 'user name', description: '', sampleJson: 'Ada' }] }).map((p) => p.field),
    ).toEqual(['tokens.0.path', 'tokens.0.sampleJson']);
    expect(checkTemplate({ subject: 'a\nb', html: 'h', tokens: [] })).toEqual([expect.objectContaining({ field: 'subject' })]);
  });
});

describe('renderTemplate', () => {
  it('HTML-escapes every token in the body, and keeps the subject plain text on one line', () => {
    const out = renderTemplate(template('<p>{{ user.name }}</p>', 'Hi {{ user.name }}'), {
      user: { name: '<script>alert(1)</script> & "co"\nLtd' },
    });
    expect(out.html).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;co&quot;\nLtd</p>');
    expect(out.subject).toBe('Hi <script>alert(1)</script> & "co" Ltd');
  });

  it('a token the data lacks is a RenderFailure naming it and where, never an empty string', () => {
    expect(() => renderTemplate(template('<p>\n{{ user.name }}</p>'), { user: {} })).toThrow(RenderFailure);
    try {
      renderTemplate(template('<p>\n{{ user.name }}</p>', 'x'), { user: {} });
    } catch (error) {
      expect(error).toMatchObject({ field: 'html', line: 2, message: 'the data has no value for "name"' });
    }
  });

  it('renders with the samples', () => {
    expect(sampleData(tokens)).toEqual({
      user: { name: 'Ada Lovelace' },
      invoice: { lines: [{ description: 'Hosting', amount: '9.00' }] },
    });
    expect(renderTemplate(template('{{#each invoice.lines}}{{description}}={{amount}};{{/each}}'), sampleData(tokens)).html).toBe(
      'Hosting=9.00;',
    );
  });
});
