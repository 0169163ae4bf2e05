import { describe, expect, it } from "vitest";
import { api } from "../../test/workerd/api";

describe("Swagger UI's files (error)", () => {
  it("an unknown file is the 404 envelope", async () => {
    const response = await api("/docs/assets/swagger-ui-dist/index.html");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 1004 });
  });
});
