/**
 * A CSV column as the table holds it, for an export Postgres writes itself (COPY … TO STDOUT, FORMAT csv): the same
 * cell the JSON path writes, made in SQL. `text` cells a spreadsheet would run as a formula get a leading quote;
 * `time` is ISO 8601 in UTC as the API answers it; `plain` (numbers, booleans) as Postgres prints it.
 */
export interface CsvCopyColumn {
  column: string;
  kind: 'text' | 'time' | 'plain';
}

export const csvText = (column: string): CsvCopyColumn => ({ column, kind: 'text' });
export const csvTime = (column: string): CsvCopyColumn => ({ column, kind: 'time' });
export const csvPlain = (column: string): CsvCopyColumn => ({ column, kind: 'plain' });
