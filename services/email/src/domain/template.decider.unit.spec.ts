import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { emailV1 } from '@opsledger/contracts';
import { deciderSpec } from '@opsledger/testing/decider-spec';
import { describe, expect, it } from 'vitest';
import { type TemplateCommand, templateDecider, TemplateNotFound, TemplateRuleViolation } from './template.decider';
import type { TemplateEvent } from './template.events';
import { InvalidTemplate, type TemplateContent } from './template-render';

const now = new Date('2026-11-24T09:00:00Z');
const at = timestampFromDate(now);
const spec = deciderSpec<ReturnType<typeof templateDecider.initialState>, TemplateCommand, TemplateEvent>(templateDecider);
const tokens = [{ path: 'user.name', description: 'the customer', sampleJson: '"Ada"' }];
const shipped: TemplateContent = { subject: 'Welcome, {{ user.name }}', html: '<p>Hello {{ user.name }}</p>', tokens };
const edited: TemplateContent = { ...shipped, html: '<p>Hi there, {{ user.name }}!</p>' };
const wire = (c: TemplateContent) => create(emailV1.TemplateContentSchema, { ...c, tokens: [...c.tokens] });

const registered = create(emailV1.DefaultTemplateRegisteredSchema, {
  name: 'user.welcome',
  description: 'welcome',
  content: wire(shipped),
  version: 1,
  at,
});
const editedV2 = create(emailV1.TemplateEditedSchema, { name: 'user.welcome', content: wire(edited), version: 2, at });
const custom = create(emailV1.TemplateCreatedSchema, {
  name: 'promo.autumn',
  description: 'promo',
  content: wire(shipped),
  version: 1,
  at,
});

describe('template decider', () => {
  it('registers a shipped template as version 1, once', () => {
    spec([]).when({ kind: 'RegisterDefault', name: 'user.welcome', description: 'welcome', content: shipped, now }).then([registered]);
    spec([registered]).when({ kind: 'RegisterDefault', name: 'user.welcome', description: 'changed', content: edited, now }).then([]);
  });

  it('Add Template creates a custom template as version 1; the name is taken once', () => {
    spec([]).when({ kind: 'CreateTemplate', name: 'promo.autumn', description: 'promo', content: shipped, now }).then([custom]);
    spec([custom])
      .when({ kind: 'CreateTemplate', name: 'promo.autumn', description: 'again', content: shipped, now })
      .thenThrows(TemplateRuleViolation, /already exists/);
  });

  it('an edit is the next version; saving what is current makes none', () => {
    spec([registered]).when({ kind: 'EditTemplate', content: edited, now }).then([editedV2]);
    spec([registered, editedV2])
      .when({ kind: 'EditTemplate', content: { ...edited, subject: 'Hi {{ user.name }}' }, now })
      .then([
        create(emailV1.TemplateEditedSchema, {
          name: 'user.welcome',
          content: wire({ ...edited, subject: 'Hi {{ user.name }}' }),
          version: 3,
          at,
        }),
      ]);
    spec([registered, editedV2]).when({ kind: 'EditTemplate', content: edited, now }).then([]);
  });

  it('an edit started from an older version is refused: someone saved in between', () => {
    spec([registered, editedV2])
      .when({ kind: 'EditTemplate', content: { ...edited, html: '<p>{{ user.name }}</p>' }, expectedVersion: 1, now })
      .thenThrows(TemplateRuleViolation, /saved by someone else.*now version 2/);
  });

  it('a shipped template keeps its token schema: tokens given with an edit are not taken', () => {
    const widened = { ...edited, tokens: [...tokens, { path: 'user.password', description: '', sampleJson: '"x"' }] };
    spec([registered]).when({ kind: 'EditTemplate', content: widened, now }).then([editedV2]);
    // So a token outside the shipped schema is refused, whatever the edit declares.
    spec([registered])
      .when({ kind: 'EditTemplate', content: { ...widened, html: '{{ user.password }}' }, now })
      .thenThrows(InvalidTemplate, /unknown token "user.password"/);
  });

  it('refuses content that does not pass the template checks, saying where', () => {
    spec([registered])
      .when({ kind: 'EditTemplate', content: { ...edited, html: '<p>\n{{ user.nmae }}</p>' }, now })
      .thenThrows(InvalidTemplate, /html: line 2, column 4: unknown token "user.nmae"/);
    spec([registered])
      .when({ kind: 'EditTemplate', content: { ...edited, html: '<p>{{ user.name }</p>' }, now })
      .thenThrows(InvalidTemplate, /html: line 1, column \d+: syntax error/);
    spec([])
      .when({ kind: 'CreateTemplate', name: 'x', description: '', content: { ...shipped, html: '{{{ user.name }}}' }, now })
      .thenThrows(InvalidTemplate, /unescaped/);
    spec([])
      .when({ kind: 'RegisterDefault', name: 'x', description: '', content: { ...shipped, html: '{{#if}}{{/if}}' }, now })
      .thenThrows(InvalidTemplate, /render/);
  });

  it('Reset to default restores the shipped content as the next version; a custom one has none to reset to', () => {
    spec([registered, editedV2])
      .when({ kind: 'ResetTemplate', shipped, now })
      .then([create(emailV1.TemplateResetSchema, { name: 'user.welcome', content: wire(shipped), version: 3, at })]);
    spec([registered]).when({ kind: 'ResetTemplate', shipped, now }).then([]);
    spec([custom])
      .when({ kind: 'ResetTemplate', shipped: undefined, now })
      .thenThrows(TemplateRuleViolation, /custom template/);
  });

  it('a template that does not exist cannot be edited or reset', () => {
    spec([]).when({ kind: 'EditTemplate', content: edited, now }).thenThrows(TemplateNotFound);
    spec([]).when({ kind: 'ResetTemplate', shipped, now }).thenThrows(TemplateNotFound);
  });

  it('folds versions: the state after a reset is the shipped content at the reset’s version', () => {
    const reset = create(emailV1.TemplateResetSchema, { name: 'user.welcome', content: wire(shipped), version: 3, at });
    const state = [registered, editedV2, reset].reduce(templateDecider.evolve, templateDecider.initialState());
    expect(state).toMatchObject({ status: 'present', origin: 'default', version: 3, content: shipped });
  });
});
