/**
 * Asynchronous SMAPI work (manifest updates, model builds, validations,
 * publications, rollbacks) completes lazily: each job is due at a time and is
 * applied when the emulator is next asked anything at or after that time.
 * No timers run, so a finished test leaves no open handles, and `flush()`
 * lets a test finish everything at once.
 */
interface Job {
  dueAt: number;
  seq: number;
  run: () => void;
}

export class Scheduler {
  private jobs: Job[] = [];
  private seq = 0;

  constructor(readonly now: () => number) {}

  after(ms: number, run: () => void): void {
    this.jobs.push({ dueAt: this.now() + Math.max(0, ms), seq: (this.seq += 1), run });
  }

  /** Applies every job that is due, in due order; a job may schedule more. */
  advance(): void {
    for (;;) {
      const now = this.now();
      const due = this.jobs.filter((j) => j.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq)[0];
      if (!due) return;
      this.jobs = this.jobs.filter((j) => j !== due);
      due.run();
    }
  }

  /** Applies every job, due or not. */
  flush(): void {
    for (;;) {
      const next = [...this.jobs].sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq)[0];
      if (!next) return;
      this.jobs = this.jobs.filter((j) => j !== next);
      next.run();
    }
  }

  get pending(): number {
    return this.jobs.length;
  }
}
