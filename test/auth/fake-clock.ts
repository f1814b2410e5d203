// A clock for the throttle tests: time moves only when told, sleeps are recorded and advance it.
import type { ThrottleClock } from '../../src/auth/throttle.js';

export class FakeClock implements ThrottleClock {
  time = 1_000_000;
  readonly sleeps: number[] = [];
  now(): number {
    return this.time;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
    return Promise.resolve();
  }
  advance(ms: number): void {
    this.time += ms;
  }
}
