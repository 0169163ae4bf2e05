import { measuredCall } from "../lib/dependency";

/** One admin action as stored and listed. */
export interface AdminOperation {
  id: string;
  adminId: string;
  action: string;
  target: string | null;
  details: unknown;
  requestId: string | null;
  createdAt: number;
}

interface Row {
  id: string;
  admin_id: string;
  action: string;
  target: string | null;
  details: string | null;
  request_id: string | null;
  created_at: number;
}

/** Filters of the operation-log listing. */
export interface OperationFilter {
  adminId?: string;
  action?: string;
  target?: string;
  from?: number;
  to?: number;
}

/**
 * The admin operation log in D1: append-only (triggers refuse updates and
 * deletes), written by every admin route after its action succeeds.
 */
export function createOperationLog(db: D1Database) {
  return {
    async record(entry: { adminId: string; action: string; target?: string; details?: unknown; requestId?: string }): Promise<void> {
      const statement = db
        .prepare("INSERT INTO admin_operation_logs (id, admin_id, action, target, details, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(
          crypto.randomUUID(),
          entry.adminId,
          entry.action,
          entry.target ?? null,
          entry.details === undefined ? null : JSON.stringify(entry.details),
          entry.requestId ?? null,
          Date.now(),
        );
      await measuredCall("d1", "operation_log.record", () => statement.run());
    },

    async list(filter: OperationFilter, page: { limit: number; offset: number }): Promise<{ items: AdminOperation[]; total: number }> {
      const clauses: string[] = [];
      const values: Array<string | number> = [];
      const add = (clause: string, value: string | number | undefined) => {
        if (value === undefined) return;
        clauses.push(clause);
        values.push(value);
      };
      add("admin_id = ?", filter.adminId);
      add("action = ?", filter.action);
      add("target = ?", filter.target);
      add("created_at >= ?", filter.from);
      add("created_at <= ?", filter.to);
      const where = clauses.length > 0 ? `WHERE ${clauses.join(" AND ")}` : "";
      const [total, rows] = await measuredCall(
        "d1",
        "operation_log.list",
        async () =>
          [
            await db
              .prepare(`SELECT count(*) AS n FROM admin_operation_logs ${where}`)
              .bind(...values)
              .first<{ n: number }>(),
            await db
              .prepare(`SELECT * FROM admin_operation_logs ${where} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`)
              .bind(...values, page.limit, page.offset)
              .all<Row>(),
          ] as const,
      );
      return {
        total: total?.n ?? 0,
        items: rows.results.map((row) => ({
          id: row.id,
          adminId: row.admin_id,
          action: row.action,
          target: row.target,
          details: row.details === null ? null : (JSON.parse(row.details) as unknown),
          requestId: row.request_id,
          createdAt: row.created_at,
        })),
      };
    },
  };
}

export type OperationLog = ReturnType<typeof createOperationLog>;
