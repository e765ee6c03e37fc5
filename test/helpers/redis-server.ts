/**
 * A private Redis server for the distributed-backend tests: Debian's redis-server on a free
 * port, no persistence, stopped after the tests. `.ci/run` installs redis-server when missing;
 * without it the tests fail and say how to install it (never skipped in silence).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";

export function redisServerPath(): string {
  try {
    return execFileSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(
      "redis-server is not installed: the BullMQ backend tests need it (apt-get install -y redis-server; .ci/run does this)",
    );
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const binary = redisServerPath();
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`redis-server exited (${code}) on port ${port}`))),
  );
  exited.catch(() => {});
  // A fresh client per attempt: the server may take a while to listen on a loaded machine.
  const started = Date.now();
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on("error", () => {});
    try {
      await Promise.race([client.connect().then(() => client.ping()), exited]);
      client.disconnect();
      break;
    } catch (error) {
      client.disconnect();
      if (Date.now() - started > 30_000)
        throw new Error(`redis-server did not start on port ${port}: ${String(error)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    url,
    async stop() {
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    },
  };
}
