import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The five channels of a Jupyter kernel, as named in a connection file. */
const CHANNELS = ['shell', 'iopub', 'stdin', 'control', 'hb'] as const;
export type Channel = (typeof CHANNELS)[number];

/** A kernel connection file (https://jupyter-client.readthedocs.io/en/latest/kernels.html#connection-files). */
export interface ConnectionInfo {
  transport: 'tcp';
  ip: string;
  key: string;
  signature_scheme: 'hmac-sha256';
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
}

/** Returns a port on `ip` that was free a moment ago (the OS picks it; the kernel binds it next). */
function freePort(ip: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, ip, () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error(`no port from ${ip}: address ${String(address)}`));
      });
    });
  });
}

/** Returns connection info on 127.0.0.1 with five distinct free ports and a random 256-bit key. */
export async function createConnectionInfo(ip = '127.0.0.1'): Promise<ConnectionInfo> {
  const ports = new Set<number>();
  while (ports.size < CHANNELS.length) ports.add(await freePort(ip));
  const [shell_port, iopub_port, stdin_port, control_port, hb_port] = [...ports];
  return {
    transport: 'tcp',
    ip,
    key: randomBytes(32).toString('hex'),
    signature_scheme: 'hmac-sha256',
    shell_port,
    iopub_port,
    stdin_port,
    control_port,
    hb_port,
  };
}

/** Returns the address a client connects to for `channel`, e.g. `tcp://127.0.0.1:5555`. */
export function channelAddress(info: ConnectionInfo, channel: Channel): string {
  return `${info.transport}://${info.ip}:${info[`${channel}_port`]}`;
}

/** Writes `info` as `kernel-<random>.json` in `dir` (mode 0600: it holds the key) and returns the file's path. */
export async function writeConnectionFile(dir: string, info: ConnectionInfo): Promise<string> {
  const path = join(dir, `kernel-${randomBytes(6).toString('hex')}.json`);
  await writeFile(path, JSON.stringify(info, null, 2), { mode: 0o600 });
  return path;
}
