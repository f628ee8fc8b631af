import { z } from 'zod';
import { isTemplateName, TEMPLATE_NAME_RULE } from '../domain/refs';
import type { TemplateContent } from '../domain/template-render';

export const templateNameSchema = z.string().refine(isTemplateName, `must be ${TEMPLATE_NAME_RULE} (at most 64 characters)`);

/** A template's content as commands carry it: bounded at the door, checked for meaning by the decider. */
export const contentSchema = z.object(
  {
    subject: z.string().min(1, 'is required').max(500),
    html: z.string().min(1, 'is required').max(90_000),
    tokens: z
      .array(
        z.object({
          path: z.string().min(1, 'is required').max(128),
          description: z.string().max(500),
          sampleJson: z.string().max(10_000),
        }),
      )
      .max(100),
  },
  'content is required',
);

export const recipientSchema = z.email('must be an email address').max(254);

/** The protobuf message as the domain reads it. */
export const contentOf = (content: {
  subject: string;
  html: string;
  tokens: { path: string; description: string; sampleJson: string }[];
}): TemplateContent => ({
  subject: content.subject,
  html: content.html,
  tokens: content.tokens.map((t) => ({ path: t.path, description: t.description, sampleJson: t.sampleJson })),
});
