/** Where the repository is, for every launcher and script (its own module so any of them can import it without cycles). */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
