import type { Client, Workflow, WorkflowStartOptions } from '@temporalio/client';

/**
 * Starts a workflow from an event a dispatcher projects. A replayed event
 * (a rebuild, a batch retried) meets Temporal's refusal of a duplicate id,
 * which means the job already exists: done, never run again.
 */
export async function startWorkflowOnce<T extends Workflow>(client: Client, workflow: T, options: WorkflowStartOptions<T>): Promise<void> {
  try {
    await client.workflow.start(workflow, { ...options, workflowIdReusePolicy: 'REJECT_DUPLICATE' });
  } catch (error) {
    // Imported here, not at the top: a service that starts no workflow never loads the Temporal client.
    const { WorkflowExecutionAlreadyStartedError } = await import('@temporalio/client');
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
