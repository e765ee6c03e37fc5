import { describe, expect, it } from "vitest";
import { DailySlots } from "../sim/engine/daily-slots.ts";

describe("daily slots (号源)", () => {
  it("issues q slots a day on average over any run of days, whatever the fractional quota", () => {
    for (const q of [0.3, 1.7, 25, 40.25]) {
      const slots = new DailySlots([q], 64, 1);
      const K = slots.windowDays(0); // the fewest days holding one slot: 4 days at 0.3 a day
      expect(K).toBe(Math.max(1, Math.ceil(1 / q)));
      let issued = 0;
      for (let w = 0; w < 1000; w++) issued += slots.slotsIn(0, w);
      // ⌊q·K·1000⌋ exactly over 1000 windows: the cumulative count never drifts.
      expect(issued).toBe(Math.floor(q * K * 1000));
    }
  });

  it("books the first day with a free slot and refuses beyond the patient's patience", () => {
    const slots = new DailySlots([2], 64, 1);
    expect([slots.book(0, 3.2, 7), slots.book(0, 3.5, 7)]).toEqual([3, 3]);
    expect(slots.book(0, 3.9, 7)).toBe(4); // day 3 is full
    expect(DailySlots.startOf(3.9, 4)).toBeCloseTo(4.9, 12);
    expect(slots.book(0, 4.1, 7)).toBe(4);
    expect(slots.book(0, 4.2, 0)).toBe(-1); // day 4 full and no wait accepted
    expect(slots.refused[0]).toBe(1);
  });

  it("pools small quotas over windows of several days, so a sample is not noisier than a real facility", () => {
    // 0.5 slot a day with windows of ≥ 20 slots: 40-day windows are capped at 28 days → 14 slots.
    const slots = new DailySlots([0.5], 64, 20);
    expect(slots.windowDays(0)).toBe(28);
    // Fourteen patients on the first day are all seen that day; the fifteenth waits for the next window.
    for (let k = 0; k < 14; k++) expect(slots.book(0, 0.5, 60)).toBe(0);
    expect(slots.book(0, 0.5, 60)).toBe(28);
  });

  it("learns a smoothed wait from each day's bookings and refusals", () => {
    const slots = new DailySlots([1], 64, 1);
    slots.book(0, 0, 10); // day 0, no wait
    slots.book(0, 0, 10); // day 1: a wait of 1
    slots.closeDay(0.5);
    expect(slots.expectedWait[0]).toBeCloseTo(0.5 * 0.5, 12); // 0 + 0.5·(mean 0.5 − 0)
    slots.closeDay(0.5); // no bookings: unchanged
    expect(slots.expectedWait[0]).toBeCloseTo(0.25, 12);
    slots.book(0, 1, 0); // day 1 is full and no wait is accepted: a refusal counts as 1 day
    slots.closeDay(1);
    expect(slots.expectedWait[0]).toBeCloseTo(1, 12);
  });

  it("never limits a pool with a negative quota", () => {
    const slots = new DailySlots([-1]);
    for (let k = 0; k < 1000; k++) expect(slots.book(0, 5.5, 0)).toBe(5);
  });
});
