/**
 * Claim files: a file created exclusively (hard link of a written draft) holding "<pid> <uuid>" marks a
 * resource (a sweep point, the manifest) as held by one sweep. A claim whose pid is dead is stale and is
 * taken over (a pid reused by an unrelated process keeps it held: remove the claim file by hand).
 */
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

/** Who holds a claim: this process's sweep (its token) or another one (pid, alive or not). */
export type ClaimResult = { mine: true } | { mine: false; pid: number };

/** Returns a token that tells this sweep's claims from any other's (other processes, or other sweeps in this one). */
export function claimToken(): string {
  return `${process.pid} ${randomUUID()}`;
}

/**
 * Tries to claim `path` for `token`: creates it exclusively, or takes it over when its holder's pid is
 * dead. Returns { mine: true } on success, else the live holder's pid.
 */
export function tryClaim(path: string, token: string): ClaimResult {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createExclusive(path, token)) return { mine: true };
    const held = readClaim(path);
    if (held === undefined) continue; // released between our create and read: try again
    if (held === token) return { mine: true };
    const pid = Number(held.split(' ')[0]);
    if (isAlive(pid)) return { mine: false, pid };
    takeOverStale(path, held);
  }
  const pid = Number((readClaim(path) ?? '0').split(' ')[0]);
  return { mine: false, pid };
}

/** Removes the claim `path` if `token` holds it (a claim taken over by another sweep is left alone). */
export function releaseClaim(path: string, token: string): void {
  if (readClaim(path) === token) unlinkSync(path);
}

/** Returns whether a process with `pid` exists (EPERM: it exists but belongs to another user). */
function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates `path` holding `token` unless it exists; the content is whole from the start (written aside, then hard-linked). */
function createExclusive(path: string, token: string): boolean {
  const draft = `${path}.new-${randomUUID()}`;
  writeFileSync(draft, token);
  try {
    linkSync(draft, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    unlinkSync(draft);
  }
}

function readClaim(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Removes the stale claim `path` (content `stale`): renames it aside (atomic, so of two sweeps taking
 * it over only one gets it), and puts it back if what was moved was a fresh claim made meanwhile.
 */
function takeOverStale(path: string, stale: string): void {
  const aside = `${path}.stale-${randomUUID()}`;
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (readFileSync(aside, 'utf8') !== stale) {
    try {
      linkSync(aside, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  unlinkSync(aside);
}
