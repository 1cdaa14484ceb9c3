import { readFileSync } from 'node:fs';

/**
 * The start time of a process (field 22 of /proc/PID/stat, clock ticks after boot): with the
 * pid, it tells a process apart from a later one that reuses its pid. Undefined outside Linux
 * or when the process is gone. storage/ferretdb/sharing.go reads the same field.
 */
export function processStartTime(pid: number): string | undefined {
  return procStat(pid)?.startTime;
}

/** Whether pid is a live process (not a zombie) and, when startTime is given, the same one. */
export function processAlive(pid: number, startTime?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    if (!(err instanceof Error && 'code' in err && err.code === 'EPERM')) return false;
  }
  const stat = procStat(pid);
  if (stat === undefined) return true; // no /proc: the pid exists, that is all we can tell
  return stat.state !== 'Z' && (startTime === undefined || stat.startTime === startTime);
}

function procStat(pid: number): { state: string; startTime: string } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may contain spaces.
  const fields = stat
    .slice(stat.lastIndexOf(')') + 1)
    .trim()
    .split(/\s+/);
  const [state, startTime] = [fields[0], fields[19]];
  return state !== undefined && startTime !== undefined ? { state, startTime } : undefined;
}
