// Starts fauxqs (SNS and SQS wire protocols) for trailgate's tests.
//
// It binds 127.0.0.1 only (fauxqs's own startFauxqs listens on 0.0.0.0, which
// the project's loopback-only rule forbids), on a port the OS picks, and
// prints "FAUXQS_PORT=<port>" once listening. It exits when its standard
// input closes, so that a test process that dies never leaves it behind.
import { buildApp } from "fauxqs";

const app = buildApp({ logger: false, host: "localhost", defaultRegion: process.env.FAUXQS_DEFAULT_REGION || "us-east-1" });

async function stop(code) {
  try {
    await app.close();
  } finally {
    process.exit(code);
  }
}

await app.listen({ host: "127.0.0.1", port: 0 });
const { port } = app.server.address();
process.stdout.write(`FAUXQS_PORT=${port}\n`);

process.stdin.on("end", () => stop(0));
process.stdin.on("error", () => stop(0));
process.stdin.resume();
process.on("SIGTERM", () => stop(0));
process.on("SIGINT", () => stop(0));
