/**
 * The named steps of each task type, in order, with the progress reached when
 * each is done: what a deploy or a backup *is*, hence domain knowledge. Plain
 * data, so the workflow may import it and stay deterministic.
 */
export interface TaskStep {
  step: string;
  percent: number;
}

export const TASK_STEPS: Record<string, readonly TaskStep[]> = {
  'instance.deploy': [
    { step: 'dhcp.lease', percent: 15 },
    { step: 'disk.attach', percent: 35 },
    { step: 'image.write', percent: 65 },
    { step: 'os.boot', percent: 85 },
    { step: 'network.verify', percent: 100 },
  ],
  'instance.backup': [
    { step: 'backup.freeze', percent: 20 },
    { step: 'backup.copy', percent: 80 },
    { step: 'backup.verify', percent: 100 },
  ],
  'instance.snapshot': [
    { step: 'snapshot.create', percent: 70 },
    { step: 'snapshot.verify', percent: 100 },
  ],
  'instance.migrate': [
    { step: 'migrate.prepare', percent: 15 },
    { step: 'migrate.copy', percent: 70 },
    { step: 'migrate.switch', percent: 90 },
    { step: 'migrate.cleanup', percent: 100 },
  ],
};
