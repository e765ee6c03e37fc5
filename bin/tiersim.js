#!/usr/bin/env node
// Runs the CLI from the TypeScript sources through tsx, in a clone (the tests use it). The
// `tiersim` command that npm installs is the compiled dist/cli.js (`npm run build`).
import { register } from "tsx/esm/api";

register();
await import("../sim/cli.ts");
