import { Color, COLORS } from '../lambda/shared/colors';
import { Weights } from '../lambda/shared/decisions/weights';
import { AlarmState } from './alarms/alarm-rule';
import { AlarmEvent, Delivery, EventDelivery } from './alarms/deliver';
import { AlarmChange, AlarmEngine, DataSourceCheck } from './alarms/engine';
import { AlarmDef, EventRuleDef } from './alarms/template';
import { VirtualClock } from './clock';
import { Datapoint, MetricId, MetricStore } from './metrics/store';
import { behaviourAt, Marks } from './traffic/faults';
import { ColorMinute, Publication, TrafficModel } from './traffic/model';
import { ColorBehaviour, Fault, Traffic } from './traffic/schema';

/**
 * Time passing in a rehearsal: every simulated minute the users send their
 * requests (split by the weights read back from the emulator), the services
 * publish their metrics, CloudWatch evaluates the alarms as synthesized, and
 * EventBridge delivers the state changes to the targets the rules name. The
 * state machine's waits and the tasks' run times pass through here.
 */

/** What the simulation needs of the emulated account. */
export interface SimulatedWorld {
  readonly clock: VirtualClock;
  /** Production weights and group stickiness, read back from the listener. */
  readListener(): Promise<{ weights: Weights; stickiness: { enabled: boolean; durationSeconds: number }; albShare: number }>;
  /** Registered targets and ECS desired tasks per color. */
  capacity(): { registered: Record<Color, number>; desired: Record<Color, number> };
  /** Records an alarm's new state where the handlers read it. */
  recordAlarmState(name: string, state: AlarmState, reason: string): Promise<void>;
  /** Copies datapoints into the emulator's CloudWatch. */
  putMetricData(points: ReadonlyArray<{ id: MetricId; point: Datapoint }>): Promise<void>;
  /** Invokes the Lambda function an event rule targets, with the event. */
  invokeTarget(functionArn: string, event: AlarmEvent): Promise<unknown>;
}

export interface SimulationOptions {
  readonly traffic: Traffic;
  readonly faults?: readonly Fault[];
  /** Which color is the live one (old) and which the cutover's (new). */
  readonly colors: { readonly old: Color; readonly new: Color };
  readonly publication: Publication;
  readonly alarms: readonly AlarmDef[];
  readonly rules: readonly EventRuleDef[];
  readonly dataSource?: DataSourceCheck;
  readonly account: string;
  readonly region: string;
}

/** One simulated minute, as the report shows it. */
export interface MinuteRow {
  /** Start of the minute, epoch ms. */
  readonly atMs: number;
  readonly weights: Weights;
  readonly perColor: Readonly<Record<Color, ColorMinute>>;
  /** Faults active in the minute, by index in the drill. */
  readonly faults: readonly number[];
}

const MINUTE = 60_000;

export class Simulation {
  readonly store = new MetricStore();
  readonly engine: AlarmEngine;
  readonly delivery: EventDelivery;
  readonly minutes: MinuteRow[] = [];
  readonly alarmChanges: AlarmChange[] = [];
  /** Weights read back from the emulator: every minute and after every event delivery. */
  readonly observations: Array<{ readonly atMs: number; readonly weights: Weights }> = [];
  private readonly model: TrafficModel;
  private readonly marks: { startMs: number; steps: number[]; promotionMs?: number };
  private behaviourNow?: Record<Color, ColorBehaviour>;
  private busy = false;

  constructor(
    private readonly world: SimulatedWorld,
    private readonly o: SimulationOptions,
  ) {
    this.model = new TrafficModel({ requestsPerMinute: o.traffic.requestsPerMinute, stickyClientsPercent: o.traffic.stickyClientsPercent, ingestDelaySeconds: o.traffic.ingestDelaySeconds, seed: o.traffic.seed, publication: o.publication });
    this.engine = new AlarmEngine(o.alarms, this.store, o.dataSource);
    this.delivery = new EventDelivery(o.rules, (arn, event) => world.invokeTarget(arn, event), { account: o.account, region: o.region });
    this.marks = { startMs: world.clock.now(), steps: [] };
    this.colorsNow = { ...o.colors };
    this.faultList = [...(o.faults ?? [])];
  }

  private colorsNow: { old: Color; new: Color };

  get colors(): { readonly old: Color; readonly new: Color } {
    return this.colorsNow;
  }

  /** Which color faults call old and new: the cutover's own, once it holds the lock. */
  setColors(colors: { old: Color; new: Color }): void {
    this.colorsNow = { ...colors };
  }

  private readonly faultList: Fault[];

  /** The drill's faults. */
  get faults(): readonly Fault[] {
    return this.faultList;
  }

  /** Adds faults (a test's, after the world was built); moments already passed count. */
  inject(...faults: Fault[]): void {
    this.faultList.push(...faults);
  }

  /** The moments faults can name, so far. */
  get moments(): Marks {
    return this.marks;
  }

  /** What each color does right now (for the emulator's target health). */
  behaviour(c: Color): ColorBehaviour | undefined {
    return this.behaviourNow?.[c];
  }

  /** Records that the cutover reached a moment faults can name. */
  mark(moment: { step: number } | 'promotion'): void {
    const now = this.world.clock.now();
    if (moment === 'promotion') this.marks.promotionMs ??= now;
    else if (this.marks.steps[moment.step - 1] === undefined) this.marks.steps[moment.step - 1] = now;
    // A fault starting now shapes the emulator's target health at once, not only from the next minute.
    this.behaviourNow = this.behaviourAt(now).behaviour;
  }

  /** Lets `ms` of simulated time pass, one minute boundary at a time. */
  async passTime(ms: number): Promise<void> {
    if (this.busy) {
      // A target invoked mid-minute that waits itself (it should not) moves only the clock.
      this.world.clock.advance(ms);
      return;
    }
    this.busy = true;
    try {
      const target = this.world.clock.now() + Math.max(0, ms);
      for (;;) {
        const boundary = Math.floor(this.world.clock.now() / MINUTE) * MINUTE + MINUTE;
        if (boundary > target) break;
        this.world.clock.advance(boundary - this.world.clock.now());
        await this.minute(boundary);
      }
      this.world.clock.advance(target - this.world.clock.now());
    } finally {
      this.busy = false;
    }
  }

  /** An operator or outside actor setting an alarm's state (SetAlarmState). */
  async setAlarmState(name: string, state: AlarmState, reason: string): Promise<void> {
    await this.announce(this.engine.setState(name, state, reason, this.world.clock.now()));
  }

  /** Hands the emulator every datapoint of `only` (of every metric without it) that is visible by now. */
  async flushMetrics(only?: readonly MetricId[]): Promise<void> {
    const due = this.store.takeUnsent(this.world.clock.now(), only);
    if (due.length > 0) await this.world.putMetricData(due);
  }

  private behaviourAt(atMs: number) {
    return behaviourAt(this.o.traffic, this.faultList, this.colorsNow, this.marks, atMs);
  }

  /** The minute ending at `endMs`: traffic, metrics, alarm evaluation, event delivery. */
  private async minute(endMs: number): Promise<void> {
    const { weights, stickiness, albShare } = await this.world.readListener();
    const { registered, desired } = this.world.capacity();
    const now = this.behaviourAt(endMs);
    this.behaviourNow = now.behaviour;
    this.observations.push({ atMs: endMs, weights });
    const startMs = endMs - MINUTE;
    const r = this.model.minute({ startMs, weights, stickiness, albShare, registered, desired, behaviour: now.behaviour, sharedMetrics: now.sharedMetrics });
    for (const d of r.datapoints) this.store.put(d.id, d.point);
    this.minutes.push({ atMs: startMs, weights, perColor: r.perColor, faults: now.active.map((f) => this.faultList.indexOf(f)) });
    await this.announce(this.engine.evaluate(endMs));
    await this.deliver(endMs);
  }

  /** Delivers what is due and, if anything was, reads the weights back (a rollback may have moved them). */
  private async deliver(nowMs: number): Promise<void> {
    const before = this.delivery.log.length;
    await this.delivery.flush(nowMs);
    if (this.delivery.log.length > before) this.observations.push({ atMs: this.world.clock.now(), weights: (await this.world.readListener()).weights });
  }

  private async announce(changes: readonly AlarmChange[]): Promise<void> {
    for (const c of changes) {
      this.alarmChanges.push(c);
      await this.world.recordAlarmState(c.alarm, c.to, c.reason);
      this.delivery.publish(this.delivery.eventFor(c), c.atMs);
    }
    await this.deliver(this.world.clock.now());
  }

  /** Deliveries so far (for the report). */
  get deliveries(): readonly Delivery[] {
    return this.delivery.log;
  }

  /** Requests and failed requests per color over every simulated minute. */
  totals(): Record<Color, { requests: number; failed: number }> {
    const out = Object.fromEntries(COLORS.map((c) => [c, { requests: 0, failed: 0 }])) as Record<Color, { requests: number; failed: number }>;
    for (const m of this.minutes) for (const c of COLORS) {
      out[c].requests += m.perColor[c].requests;
      out[c].failed += m.perColor[c].failed;
    }
    return out;
  }
}
