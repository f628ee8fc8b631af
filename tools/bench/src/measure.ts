export interface Figure {
  name: string;
  count: number;
  seconds: number;
}

export async function measure(name: string, count: number, run: () => Promise<unknown>): Promise<Figure> {
  const start = process.hrtime.bigint();
  await run();
  return { name, count, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

export const rate = (f: Figure) => f.count / f.seconds;

export function formatRow(f: Figure, against?: Figure, target?: string): string {
  const perSecond = Math.round(rate(f)).toLocaleString('en-US').padStart(10);
  const ratio = against ? `${((rate(f) / rate(against)) * 100).toFixed(0).padStart(4)} % of ${against.name}` : '';
  return `${f.name.padEnd(50)} ${perSecond} /s   ${ratio.padEnd(40)} ${target ?? ''}`;
}
