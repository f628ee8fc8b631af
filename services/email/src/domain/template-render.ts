import Handlebars from 'handlebars';

/**
 * Email templates are Handlebars with the safe subset on: strict (a token
 * the data lacks is an error, not an empty string), only the built-in block
 * helpers (if, unless, each, with), no partials, and every {{ token }}
 * HTML-escaped in the body ({{{ raw }}} is refused). The subject is one
 * line of plain text: it is rendered unescaped and its whitespace folded.
 */

/** One token a template may use: its dotted path from the data's root, and the sample value (JSON) it renders with. */
export interface TemplateToken {
  path: string;
  description: string;
  sampleJson: string;
}

export interface TemplateContent {
  subject: string;
  html: string;
  tokens: readonly TemplateToken[];
}

export type TemplatePart = 'subject' | 'html' | 'tokens';

/** What is wrong with a template, where: `line` and `column` count from 1. */
export interface TemplateProblem {
  /** `subject`, `html`, or `tokens.<i>.<field>`. */
  field: string;
  rule: 'syntax' | 'unknown_token' | 'unescaped' | 'partial' | 'helper' | 'render' | 'token' | 'too_long';
  message: string;
  line?: number;
  column?: number;
}

/** Refused by the template's rules; `problems` says each thing wrong, where. */
export class InvalidTemplate extends Error {
  constructor(readonly problems: TemplateProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    this.name = 'InvalidTemplate';
  }
}

/** The data given does not render the template (a token missing, a value of the wrong shape). */
export class RenderFailure extends Error {
  constructor(
    readonly field: 'subject' | 'html',
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'RenderFailure';
  }
}

// A body past ~100 kB is clipped by common mail clients (and is past the API's JSON body limit).
const LIMITS = { subject: 500, html: 90_000, tokens: 100 };
const TOKEN_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const BLOCK_HELPERS = new Set(['if', 'unless', 'each', 'with']);
/** Variables Handlebars itself provides inside blocks. */
const DATA_VARIABLES = new Set(['index', 'key', 'first', 'last']);

const env = Handlebars.create();
const COMPILE = { strict: true, knownHelpersOnly: true } as const;

// Handlebars' parser (Jison) throws a message with the line but a column only as a caret under a
// 20-character excerpt; its lexer knows the offending token's exact place when it fails.
interface ParserWithYy {
  yy: {
    parseError?: (
      this: { lexer: { yylloc: { first_line: number; first_column: number }; match?: string } },
      str: string,
      hash: ParseHash,
    ) => never;
  };
}
interface ParseHash {
  token?: string | number | null;
  text?: string;
  line?: number;
  expected?: string[];
}
class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}
Handlebars.parse('');
(Handlebars as unknown as { Parser: ParserWithYy }).Parser.yy.parseError = function (str, hash) {
  const at = this.lexer.yylloc;
  const lexical = str.startsWith('Lexical error');
  const line = lexical ? (hash.line ?? at.first_line - 1) + 1 : at.first_line;
  const column = lexical ? 1 : at.first_column + 1;
  throw new TemplateSyntaxError(describeParseError(hash, lexical), line, column);
};

function describeParseError(hash: ParseHash, lexical: boolean): string {
  if (lexical) return 'unrecognised text (an unclosed {{!-- comment --}} or {{ … }})';
  const expectsClose = hash.expected?.some((e) => e.includes('CLOSE'));
  if (hash.token === 'EOF') return `the template ends inside a {{ … }}${expectsClose ? ': expected }}' : ''}`;
  const got = hash.text ? JSON.stringify(hash.text) : String(hash.token);
  return `unexpected ${got}${expectsClose ? ': expected }}' : ''}`;
}

function parse(field: 'subject' | 'html', source: string): { ast?: hbs.AST.Program; problem?: TemplateProblem } {
  try {
    return { ast: Handlebars.parse(source) };
  } catch (error) {
    if (error instanceof TemplateSyntaxError) return { problem: syntaxProblem(field, error.message, error.line, error.column) };
    // Handlebars' own checks (a block closed by the wrong name) carry lineNumber and a 0-based column.
    const e = error as { message: string; lineNumber?: number; column?: number };
    const message = e.message.replace(/ - \d+:\d+$/, '');
    return { problem: syntaxProblem(field, message, e.lineNumber, e.column === undefined ? undefined : e.column + 1) };
  }
}

function syntaxProblem(field: 'subject' | 'html', message: string, line?: number, column?: number): TemplateProblem {
  return { field, rule: 'syntax', message: `${where(line, column)}syntax error: ${message}`, ...located(line, column) };
}

const where = (line?: number, column?: number) => (line ? `line ${line}${column ? `, column ${column}` : ''}: ` : '');
const located = (line?: number, column?: number) => ({ ...(line ? { line } : {}), ...(column ? { column } : {}) });

/** The data the samples make: `{"user.name": "Ada"}` becomes `{ user: { name: "Ada" } }`. */
export function sampleData(tokens: readonly TemplateToken[]): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const token of tokens) {
    let sample: unknown;
    try {
      sample = JSON.parse(token.sampleJson);
    } catch {
      continue;
    }
    const parts = token.path.split('.');
    let node = data;
    for (const part of parts.slice(0, -1)) {
      if (typeof node[part] !== 'object' || node[part] === null || Array.isArray(node[part])) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts.at(-1)!] = sample;
  }
  return data;
}

/**
 * Every path a template may name: each declared token, the paths inside its
 * sample (an object's fields; an array's items' fields, as `list.field`,
 * which is how a path inside {{#each list}} resolves), and every prefix of
 * them (so {{#with user}} or {{#if user}} is fine).
 */
function allowedPaths(tokens: readonly TemplateToken[]): Set<string> {
  const allowed = new Set<string>();
  const addPrefixes = (path: string) => {
    const parts = path.split('.');
    for (let i = 1; i <= parts.length; i++) allowed.add(parts.slice(0, i).join('.'));
  };
  const walk = (path: string, value: unknown) => {
    addPrefixes(path);
    const items = Array.isArray(value) ? value : [value];
    for (const item of items)
      if (item && typeof item === 'object' && !Array.isArray(item)) for (const [key, v] of Object.entries(item)) walk(`${path}.${key}`, v);
  };
  for (const token of tokens) {
    let sample: unknown;
    try {
      sample = JSON.parse(token.sampleJson);
    } catch {
      sample = undefined;
    }
    walk(token.path, sample);
  }
  return allowed;
}

interface Scope {
  /** The path the block's context is at ('' at the root). */
  path: string;
}

/** Every rule a template's source can break, found without rendering. */
function checkSource(field: 'subject' | 'html', ast: hbs.AST.Program, allowed: Set<string>, declared: string[]): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const at = (node: hbs.AST.Node) => located(node.loc?.start.line, node.loc ? node.loc.start.column + 1 : undefined);
  const problem = (node: hbs.AST.Node, rule: TemplateProblem['rule'], message: string) => {
    const loc = at(node);
    problems.push({ field, rule, message: `${where(loc.line, loc.column)}${message}`, ...loc });
  };

  const checkPath = (node: hbs.AST.PathExpression, scopes: Scope[]) => {
    if (node.data) {
      // @index, @key, @first, @last inside blocks; @root.x names x from the top.
      if (node.parts[0] === 'root') return checkResolved(node, node.parts.slice(1).join('.'));
      if (!DATA_VARIABLES.has(String(node.parts[0]))) problem(node, 'unknown_token', `unknown variable @${node.parts.join('.')}`);
      return;
    }
    const depth = Math.min(node.depth, scopes.length - 1);
    const base = scopes[scopes.length - 1 - depth]!.path;
    const relative = node.parts.join('.');
    checkResolved(node, [base, relative].filter(Boolean).join('.'));
  };
  const checkResolved = (node: hbs.AST.PathExpression, path: string) => {
    if (path === '' || allowed.has(path)) return;
    const known = declared.length ? `; this template's tokens are ${declared.join(', ')}` : '; this template declares no tokens';
    problem(node, 'unknown_token', `unknown token "${path}" (written ${JSON.stringify(node.original)})${known}`);
  };
  const checkExpression = (node: hbs.AST.Expression, scopes: Scope[]) => {
    if (node.type === 'PathExpression') checkPath(node as hbs.AST.PathExpression, scopes);
    else if (node.type === 'SubExpression') {
      const sub = node as hbs.AST.SubExpression;
      problem(sub, 'helper', `helper calls ( … ) are not available; use {{#if}}, {{#unless}}, {{#each}} or {{#with}}`);
    }
  };
  const blockScope = (helper: string, params: hbs.AST.Expression[], scopes: Scope[]): Scope[] => {
    const param = params[0];
    if ((helper !== 'each' && helper !== 'with') || param?.type !== 'PathExpression') return scopes;
    const path = param as hbs.AST.PathExpression;
    if (path.data) return [...scopes, { path: path.parts.slice(path.parts[0] === 'root' ? 1 : 0).join('.') }];
    const depth = Math.min(path.depth, scopes.length - 1);
    const base = scopes[scopes.length - 1 - depth]!.path;
    return [...scopes, { path: [base, path.parts.join('.')].filter(Boolean).join('.') }];
  };

  const visit = (node: hbs.AST.Node, scopes: Scope[]): void => {
    switch (node.type) {
      case 'Program':
        for (const statement of (node as hbs.AST.Program).body) visit(statement, scopes);
        return;
      case 'MustacheStatement': {
        const m = node as hbs.AST.MustacheStatement;
        if (m.params.length || m.hash?.pairs.length) {
          const name = m.path.type === 'PathExpression' ? (m.path as hbs.AST.PathExpression).original : 'a helper';
          return problem(m, 'helper', `{{ ${name} … }} calls a helper; only tokens can be printed ({{ user.name }})`);
        }
        if (!m.escaped && field === 'html')
          return problem(m, 'unescaped', `unescaped output {{{ … }}} is not allowed: every token is HTML-escaped ({{ token }})`);
        checkExpression(m.path as hbs.AST.Expression, scopes);
        return;
      }
      case 'BlockStatement': {
        const b = node as hbs.AST.BlockStatement;
        const name = b.path.type === 'PathExpression' ? (b.path as hbs.AST.PathExpression).original : '';
        if (!BLOCK_HELPERS.has(name)) {
          return problem(b, 'helper', `{{#${name}}} is not a block helper here: use #if, #unless, #each or #with`);
        }
        for (const param of b.params) checkExpression(param, scopes);
        if (b.program) visit(b.program, blockScope(name, b.params, scopes));
        if (b.inverse) visit(b.inverse, scopes);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement':
        return problem(node, 'partial', 'partials ({{> … }}) are not available');
      case 'DecoratorBlock':
      case 'Decorator':
        return problem(node, 'helper', 'decorators are not available');
      default:
        // Content and comments.
        return;
    }
  };
  visit(ast, [{ path: '' }]);
  return problems;
}

function checkTokens(tokens: readonly TemplateToken[]): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  if (tokens.length > LIMITS.tokens) problems.push({ field: 'tokens', rule: 'too_long', message: `at most ${LIMITS.tokens} tokens` });
  const seen = new Set<string>();
  tokens.forEach((token, i) => {
    if (!TOKEN_PATH.test(token.path))
      problems.push({ field: `tokens.${i}.path`, rule: 'token', message: `"${token.path}" is not a dotted path such as user.name` });
    else if (seen.has(token.path))
      problems.push({ field: `tokens.${i}.path`, rule: 'token', message: `"${token.path}" is declared twice` });
    seen.add(token.path);
    try {
      JSON.parse(token.sampleJson);
    } catch {
      problems.push({
        field: `tokens.${i}.sampleJson`,
        rule: 'token',
        message: `the sample of ${token.path} is not JSON (a text sample is written "in quotes")`,
      });
    }
  });
  return problems;
}

/**
 * Everything wrong with a template, each with where: syntax errors (line and
 * column), tokens the schema does not declare, helpers and partials it may
 * not use, unescaped output, and — when none of those — a render with the
 * sample data that fails. Empty: it may be saved.
 */
export function checkTemplate(content: TemplateContent): TemplateProblem[] {
  const problems = checkTokens(content.tokens);
  if (content.subject.length > LIMITS.subject)
    problems.push({ field: 'subject', rule: 'too_long', message: `at most ${LIMITS.subject} characters` });
  if (/[\r\n]/.test(content.subject)) problems.push({ field: 'subject', rule: 'syntax', message: 'must be one line' });
  if (content.html.length > LIMITS.html) problems.push({ field: 'html', rule: 'too_long', message: `at most ${LIMITS.html} characters` });
  if (problems.length) return problems;
  const allowed = allowedPaths(content.tokens);
  const declared = content.tokens.map((t) => t.path);
  for (const field of ['subject', 'html'] as const) {
    const { ast, problem } = parse(field, content[field]);
    if (problem) problems.push(problem);
    else problems.push(...checkSource(field, ast!, allowed, declared));
  }
  if (problems.length) return problems;
  try {
    renderTemplate(content, sampleData(content.tokens));
  } catch (error) {
    if (!(error instanceof RenderFailure)) throw error;
    problems.push({
      field: error.field,
      rule: 'render',
      message: `${where(error.line, error.column)}does not render with its sample data: ${error.message}`,
      ...located(error.line, error.column),
    });
  }
  return problems;
}

/** Throws InvalidTemplate unless the template may be saved. */
export function assertValidTemplate(content: TemplateContent): void {
  const problems = checkTemplate(content);
  if (problems.length) throw new InvalidTemplate(problems);
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();
const CACHE_SIZE = 500;

function compile(source: string, subject: boolean): HandlebarsTemplateDelegate {
  const key = `${subject ? 's' : 'h'}:${source}`;
  let template = compiled.get(key);
  if (!template) {
    template = env.compile(source, { ...COMPILE, noEscape: subject });
    if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, template);
  }
  return template;
}

/**
 * Renders subject and body with `data`. A token the data lacks (or a value
 * of the wrong shape) is a RenderFailure naming where, never an empty
 * string in a sent email.
 */
export function renderTemplate(
  content: Pick<TemplateContent, 'subject' | 'html'>,
  data: Record<string, unknown>,
): { subject: string; html: string } {
  const render = (field: 'subject' | 'html') => {
    try {
      return compile(content[field], field === 'subject')(data);
    } catch (error) {
      const e = error as { message: string; lineNumber?: number; column?: number };
      const missing = /^"([^"]+)" not defined in/.exec(e.message);
      const message = missing ? `the data has no value for "${missing[1]}"` : e.message.replace(/ - \d+:\d+$/, '');
      throw new RenderFailure(field, message, e.lineNumber, e.column === undefined ? undefined : e.column + 1);
    }
  };
  return { subject: render('subject').replace(/\s+/g, ' ').trim(), html: render('html') };
}
