import type { z } from 'zod';
import type { CsvCopyColumn } from './csv-columns';

export type FilterOp = 'eq' | 'gte' | 'lte' | 'in';

/** One whitelisted filter: `filter={"<name>": value}` becomes `<column> <op> value`. */
export interface FilterSpec {
  column: string;
  op: FilterOp;
  schema: z.ZodType;
}

/**
 * What a list endpoint accepts and how it maps to its table. Everything a
 * caller sends is checked against this; nothing reaches SQL unparameterised
 * and no column name comes from the request.
 */
export interface ResourceSpec<Row = Record<string, unknown>> {
  resource: string;
  table: string;
  idColumn: string;
  filters: Record<string, FilterSpec>;
  /** Columns searched by the free-text `q` filter (case-insensitive substring). */
  search?: string[];
  /**
   * A table holding the distinct values of the search columns with a key column of the list's table (e.g. one row per
   * service and domain, beside a log of millions of rows): the search matches there first, and only rows whose key is
   * among the matches are read (and matched again, so the result is the same).
   */
  searchSubjects?: {
    table: string;
    key: string;
    /**
     * How many rows of the list name each subject, in a table of its own joined on `on`: a search with no other filter
     * totals these instead of counting rows. `on` is the subject's identity, the search columns among it: a row whose
     * `on` columns equal a matching subject's matches the search.
     */
    counts: { table: string; column: string; on: string[] };
  };
  /** API field → column, for `sort=["field","ASC"]`. */
  sortable: Record<string, string>;
  defaultSort: [field: string, order: 'ASC' | 'DESC'];
  /** Sort fields whose values never change once written (e.g. createdAt): only these page by keyset underneath. */
  keysetSorts: string[];
  /** The column holding the owning customer's id: a customer sees only their own rows. */
  ownerColumn?: string;
  /**
   * Every signed-in caller may read every row. Without it or an owner column a resource is staff-only, here as well
   * as at its route: a customer who reached it through a forgotten @AdminOnly gets 403, not every row.
   */
  public?: true;
  toJson(row: Row): Record<string, unknown>;
  /**
   * CSV columns, in order: header, how to read it from the JSON record, and (for a list that grows large) the table
   * column it comes from. When every column names one, Postgres writes the export itself (COPY, see csv-export.ts);
   * otherwise the rows are read in keyset batches and written with csv-stringify.
   */
  csv: [header: string, field: string, copy?: CsvCopyColumn][];
}
