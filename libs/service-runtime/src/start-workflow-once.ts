import { type Client, type Workflow, WorkflowExecutionAlreadyStartedError, type WorkflowStartOptions } from '@temporalio/client';

/**
 * Starts a workflow from an event a dispatcher projects. A replayed event
 * (a rebuild, a batch retried) meets Temporal's refusal of a duplicate id,
 * which means the job already exists: done, never run again.
 */
export async function startWorkflowOnce<T extends Workflow>(client: Client, workflow: T, options: WorkflowStartOptions<T>): Promise<void> {
  try {
    await client.workflow.start(workflow, { ...options, workflowIdReusePolicy: 'REJECT_DUPLICATE' });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
