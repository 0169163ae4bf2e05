/**
 * The bench's bare reference Worker (see wrangler.toml beside this file): the
 * runtime's own floor for each kind of work our routes do, so that a ratio
 * below target can be told apart from a limit of workerd itself.
 */
import { Hono } from "hono";
import { ReferenceCounter } from "./counter";

export { ReferenceCounter };

const app = new Hono<{ Bindings: Env }>();

app.get("/noop", (c) => c.json({ ok: true }));

app.post("/rpc/:id/noop", async (c) => {
  await c.env.REFERENCE_COUNTER.getByName(c.req.param("id")).noop();
  return c.json({ ok: true });
});

app.post("/quota/:id/consume", async (c) => {
  const body = await c.req.json<{ amount: number; requestId: string }>();
  const result = await c.env.REFERENCE_COUNTER.getByName(c.req.param("id")).consume(body.amount, body.requestId);
  return c.json(result, result.ok ? 200 : 429);
});

app.post("/wallet/:id/debit", async (c) => {
  const body = await c.req.json<{ amount: number; requestId: string }>();
  const result = await c.env.REFERENCE_COUNTER.getByName(c.req.param("id")).debit(body.amount, body.requestId);
  return c.json(result, result.ok ? 200 : 402);
});

export default app satisfies ExportedHandler<Env>;
