#!/usr/bin/env node
// Entry point of the `tiersim` command: loads the TypeScript sources through tsx.
import { register } from "tsx/esm/api";

register();
await import("../sim/cli.ts");
