import { readFileSync } from "node:fs";

/** tiersim's version, from package.json. */
export const TIERSIM_VERSION: string = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8"),
).version;
