/** What Linux's /proc says about a process: resident memory, CPU time, its children. */
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on Linux for every architecture the machine image has

/** VmRSS of the process, in bytes; NaN when it is gone. */
export function rssBytes(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.replace(/[^0-9]/g, '')) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** User + system CPU seconds the process has used so far (with `children`, also those of its ended and waited-for children); 0 when it is gone. */
export function cpuSeconds(pid, children = false) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    const own = fields[11] + fields[12]; // utime, stime
    return (children ? own + fields[13] + fields[14] : own) / TICKS_PER_SECOND; // + cutime, cstime
  } catch {
    return 0;
  }
}

/** The ids of the processes whose parent is `pid` (PostgreSQL's backends of its postmaster). */
export function childrenOf(pid) {
  const children = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // ended while we looked
    }
  }
  return children;
}

/**
 * CPU seconds of a process and all its children together (PostgreSQL: the postmaster and its
 * backends): the running children's own, plus the postmaster's and those of the backends that
 * ended (a pool closing idle connections), which the postmaster has waited for.
 */
export function treeCpuSeconds(pid) {
  return childrenOf(pid).reduce((sum, child) => sum + cpuSeconds(child), cpuSeconds(pid, true));
}
