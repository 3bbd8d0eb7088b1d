/**
 * Virtual time for rehearsals: Wait states are shortened to milliseconds, and
 * the clock jumps by what each Wait would have lasted, so deadlines, bakes and
 * a 24-hour watch window pass as they would in AWS. Only Date.now moves; the
 * handlers read time through it.
 */
export class VirtualClock {
  private offsetMs = 0;
  private readonly realNow = Date.now.bind(Date);
  private installed = false;

  install(): this {
    if (!this.installed) {
      Date.now = () => this.realNow() + this.offsetMs;
      this.installed = true;
    }
    return this;
  }

  /** Virtual now, epoch ms (the same as Date.now while installed). */
  now(): number {
    return this.realNow() + this.offsetMs;
  }

  /** Jumps so that now is `ms` (never backwards). */
  setNow(ms: number): void {
    this.advance(ms - this.now());
  }

  /**
   * Sets now to `ms`, backwards too: only before anything ran in this world
   * (a drill's startAt), never during a run.
   */
  startAt(ms: number): void {
    this.offsetMs = ms - this.realNow();
  }

  advance(ms: number): void {
    this.offsetMs += Math.max(0, ms);
  }

  /** Virtual milliseconds passed since install. */
  get skippedMs(): number {
    return this.offsetMs;
  }

  uninstall(): void {
    if (this.installed) Date.now = this.realNow;
    this.installed = false;
    this.offsetMs = 0;
  }
}

/**
 * When a world's simulated clock starts (epoch ms): `warmUpMs` before the
 * cutover's `startAtMs`, or, without one, at the next whole minute from
 * `realNowMs`. Not at whatever second the run began: that second decides which
 * simulated minutes a bake and an alarm see, so the same seed gives the same
 * run. Never behind the real clock, which stamps what moto creates (a snapshot
 * must not look younger than it is).
 */
export function clockStartMs(realNowMs: number, warmUpMs: number, startAtMs?: number): number {
  return startAtMs !== undefined ? startAtMs - warmUpMs : Math.ceil(realNowMs / 60_000) * 60_000;
}

/**
 * A simulated minute's number in a report: whole minutes from the one the run
 * began in (0) to the one starting at `minuteStartMs`. Counted on whole minutes,
 * not rounded from the milliseconds between them, so the real milliseconds the
 * clock carries never move it (nor make it -0, which is not equal to 0).
 */
export function minuteNumber(minuteStartMs: number, runStartMs: number): number {
  return Math.floor(minuteStartMs / 60_000) - Math.floor(runStartMs / 60_000);
}
